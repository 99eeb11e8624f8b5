package org.bdx.node.stats;

import java.util.Objects;
import org.bdx.proto.v1.AlertCount;
import org.bdx.proto.v1.StatsGroup;

/**
 * One group of counted alerts: this node's own and those received from partners, counted apart.
 *
 * @param key the month ("YYYY-MM"), the harm or setting word (VOC-1), or the area as written; empty
 *     for {@link Kind#NOT_KNOWN} and {@link Kind#OTHER_AREAS}
 */
public record Group(String key, Kind kind, Cell own, Cell received) {
  /** Whether the group is one value, the alerts that do not show it, or the smaller areas. */
  public enum Kind {
    VALUE,
    OTHER_AREAS,
    NOT_KNOWN
  }

  public Group {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(own, "own");
    Objects.requireNonNull(received, "received");
    if (kind == Kind.VALUE == key.isEmpty()) {
      throw new IllegalArgumentException("a group has a key exactly when it is one value");
    }
  }

  /** The group as a person reads it, e.g. "physical assault", "2026-11", "area not known". */
  public String label(Grouping by) {
    return switch (kind) {
      case NOT_KNOWN -> by.notKnownLabel();
      case OTHER_AREAS -> "other areas";
      case VALUE -> by == Grouping.HARM || by == Grouping.SETTING ? key.replace('_', ' ') : key;
    };
  }

  StatsGroup toWire() {
    return StatsGroup.newBuilder()
        .setKey(key)
        .setNotKnown(kind == Kind.NOT_KNOWN)
        .setOtherAreas(kind == Kind.OTHER_AREAS)
        .setOwn(toWire(own))
        .setReceived(toWire(received))
        .build();
  }

  static Group fromWire(StatsGroup g) {
    Kind kind =
        g.getNotKnown() ? Kind.NOT_KNOWN : g.getOtherAreas() ? Kind.OTHER_AREAS : Kind.VALUE;
    return new Group(
        kind == Kind.VALUE ? g.getKey() : "",
        kind,
        fromWire(g.getOwn()),
        fromWire(g.getReceived()));
  }

  private static AlertCount toWire(Cell c) {
    return AlertCount.newBuilder().setCount(c.count()).setFewerThanFive(c.fewerThanFive()).build();
  }

  /** A small number sent by a node that does not suppress it is suppressed here too. */
  private static Cell fromWire(AlertCount c) {
    if (c.getFewerThanFive()) {
      return new Cell(0, true);
    }
    return Cell.of(Math.toIntExact(Math.min(c.getCount(), Integer.MAX_VALUE)));
  }
}
