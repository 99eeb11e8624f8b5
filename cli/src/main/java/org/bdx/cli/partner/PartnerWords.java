package org.bdx.cli.partner;

import java.util.Locale;
import org.bdx.cli.command.CliException;
import org.bdx.proto.v1.PartnerClass;

/** The words coordinators use for partner classes. */
public final class PartnerWords {
  private PartnerWords() {}

  public static PartnerClass partnerClass(String word) {
    String w = word == null ? "" : word.strip().toLowerCase(Locale.ROOT).replace('-', '_');
    return switch (w) {
      case "peer", "partner_class_peer" -> PartnerClass.PARTNER_CLASS_PEER;
      case "support", "partner_class_support" -> PartnerClass.PARTNER_CLASS_SUPPORT;
      case "police", "partner_class_police" -> PartnerClass.PARTNER_CLASS_POLICE;
      default ->
          throw CliException.usage(
              "--class", "--class: unknown class '" + word + "'; one of: peer, support, police");
    };
  }

  public static String word(PartnerClass c) {
    return switch (c) {
      case PARTNER_CLASS_PEER -> "peer";
      case PARTNER_CLASS_SUPPORT -> "support";
      case PARTNER_CLASS_POLICE -> "police";
      default -> "unknown";
    };
  }
}
