package org.bdx.node.delivery;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.bdx.node.audit.AuditAction;
import org.bdx.node.audit.AuditDetail;
import org.bdx.node.audit.AuditLog;
import org.bdx.node.bulletin.BulletinWords;
import org.bdx.node.error.BdxException;
import org.bdx.node.search.AlertIndex;
import org.bdx.node.search.AlertQuery;
import org.bdx.node.store.NodeDatabase;
import org.bdx.node.store.SubscriberRecord;
import org.bdx.node.store.SubscriberStore;

/**
 * The people who receive bulletins by e-mail: checked here, at the boundary, and stored sealed
 * ({@link SubscriberStore}). Adding and removing one is recorded in the audit log without the
 * address.
 */
public final class Subscribers {
  /** Most subscribers a node holds. */
  public static final int MAX_SUBSCRIBERS = 10_000;

  /** Most areas one subscriber chooses. */
  public static final int MAX_AREAS = 20;

  /** Longest address (RFC 5321 path limit less the brackets). */
  static final int MAX_ADDRESS = 254;

  private static final Pattern LOCAL =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
  private static final Pattern LABEL =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?");

  private final NodeDatabase db;
  private final SubscriberStore store;
  private final Clock clock;
  private final AuditLog audit;

  public Subscribers(NodeDatabase db, SubscriberStore store, Clock clock, AuditLog audit) {
    this.db = Objects.requireNonNull(db, "db");
    this.store = Objects.requireNonNull(store, "store");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.audit = Objects.requireNonNull(audit, "audit");
  }

  /**
   * Adds a subscriber.
   *
   * @param lang a language of {@link BulletinWords#LANGUAGES}, or blank for English
   * @param areas the areas whose warnings they receive; none for every area
   * @throws BdxException INVALID_ARGUMENT naming the field for an invalid address, language or
   *     area; ALREADY_EXISTS if the address (ignoring case) is subscribed; FAILED_PRECONDITION at
   *     {@value #MAX_SUBSCRIBERS} subscribers
   */
  public SubscriberRecord add(String address, String lang, List<String> areas) {
    String a = address(address);
    String l = language(lang);
    List<String> ar = areas(areas);
    SubscriberRecord r = new SubscriberRecord(a, l, ar, clock.instant().getEpochSecond());
    return db.atomically(
        () -> {
          if (store.count() >= MAX_SUBSCRIBERS) {
            throw BdxException.failedPrecondition(
                "this node has " + MAX_SUBSCRIBERS + " subscribers, the most it holds");
          }
          if (!store.insert(r)) {
            throw BdxException.alreadyExists("address: already subscribed");
          }
          audit.record(
              AuditAction.SUBSCRIBER_ADD, AuditDetail.of().add("lang", l).add("areas", ar.size()));
          return r;
        });
  }

  /** Every subscriber, by address. */
  public List<SubscriberRecord> list() {
    return store.list();
  }

  /**
   * Removes a subscriber and the bulletins still queued for them.
   *
   * @throws BdxException NOT_FOUND if the address is not subscribed
   */
  public void remove(String address) {
    String a = address(address);
    db.atomically(
        () -> {
          if (!store.remove(a)) {
            throw BdxException.notFound("address: not subscribed");
          }
          audit.record(AuditAction.SUBSCRIBER_REMOVE, AuditDetail.of());
          return null;
        });
  }

  /**
   * {@code raw} stripped, if it is an e-mail address this node sends to: {@code local@domain}, the
   * local part in the dot-atom form, the domain in its ASCII form (an international domain in its
   * {@code xn--} form) with at least two labels.
   *
   * @throws BdxException INVALID_ARGUMENT naming {@code address}
   */
  public static String address(String raw) {
    String a = raw == null ? "" : raw.strip();
    if (a.isEmpty()) {
      throw BdxException.invalid("address: required, an e-mail address like name@example.org");
    }
    if (a.length() > MAX_ADDRESS) {
      throw BdxException.invalid("address: longer than " + MAX_ADDRESS + " characters");
    }
    int at = a.lastIndexOf('@');
    String local = at < 0 ? "" : a.substring(0, at);
    String domain = at < 0 ? "" : a.substring(at + 1);
    String[] labels = domain.split("\\.", -1);
    boolean ok =
        at > 0
            && local.length() <= 64
            && LOCAL.matcher(local).matches()
            && labels.length >= 2
            && java.util.Arrays.stream(labels).allMatch(l -> LABEL.matcher(l).matches())
            && !labels[labels.length - 1].chars().allMatch(Character::isDigit);
    if (!ok) {
      throw BdxException.invalid(
          "address: not an e-mail address this node can send to (like name@example.org; an"
              + " international domain in its xn-- form)");
    }
    return a;
  }

  /**
   * The tag of {@code raw} as {@link BulletinWords#LANGUAGES} writes it; English for blank.
   *
   * @throws BdxException INVALID_ARGUMENT naming {@code lang}
   */
  public static String language(String raw) {
    try {
      return BulletinWords.of(raw).language();
    } catch (IllegalArgumentException e) {
      throw BdxException.invalid(e.getMessage());
    }
  }

  /**
   * The areas stripped, each named once (ignoring case, as bulletins match areas).
   *
   * @throws BdxException INVALID_ARGUMENT naming {@code areas}
   */
  public static List<String> areas(List<String> raw) {
    if (raw.size() > MAX_AREAS) {
      throw BdxException.invalid("areas: at most " + MAX_AREAS);
    }
    List<String> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String r : raw) {
      String a = r == null ? "" : r.strip();
      if (a.isEmpty()
          || a.length() > AlertQuery.MAX_AREA
          || a.codePoints().anyMatch(c -> Character.isISOControl(c))) {
        throw BdxException.invalid(
            "areas: each an area name of 1 to " + AlertQuery.MAX_AREA + " characters on one line");
      }
      if (seen.add(AlertIndex.areaKey(a))) {
        out.add(a);
      }
    }
    return List.copyOf(out);
  }
}
