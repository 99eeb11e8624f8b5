package org.bdx.node.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.bdx.proto.v1.AlertCount;
import org.bdx.proto.v1.CountAlertsResponse;
import org.bdx.proto.v1.StatsGroup;
import org.bdx.proto.v1.StatsGrouping;
import org.junit.jupiter.api.Test;

/** Counts to and from the wire, and the words the CLI takes for a grouping. */
class AlertCountsTest {
  @Test
  void wire_roundTrip_keepsGroupsKindsAndSuppression() {
    AlertCounts c =
        new AlertCounts(
            LocalDate.parse("2026-01-01"),
            null,
            Grouping.AREA,
            List.of(
                new Group("Downtown", Group.Kind.VALUE, Cell.of(7), Cell.of(2)),
                new Group("", Group.Kind.OTHER_AREAS, Cell.of(0), Cell.of(5)),
                new Group("", Group.Kind.NOT_KNOWN, Cell.of(1), Cell.of(0))));
    CountAlertsResponse wire = c.toWire();
    assertThat(wire.getSince()).isEqualTo("2026-01-01");
    assertThat(wire.getUntil()).isEmpty();
    assertThat(wire.getGroups(0).getReceived())
        .isEqualTo(AlertCount.newBuilder().setFewerThanFive(true).build());
    assertThat(wire.getGroups(1).getOtherAreas()).isTrue();
    assertThat(wire.getGroups(2).getNotKnown()).isTrue();
    assertThat(AlertCounts.fromWire(wire)).isEqualTo(c);
  }

  @Test
  void fromWire_aSmallNumberSentAsANumber_isStillShownAsFewerThanFive() {
    CountAlertsResponse careless =
        CountAlertsResponse.newBuilder()
            .setBy(StatsGrouping.STATS_GROUPING_MONTH)
            .addGroups(
                StatsGroup.newBuilder()
                    .setKey("2026-11")
                    .setOwn(AlertCount.newBuilder().setCount(3))
                    .setReceived(AlertCount.newBuilder().setCount(12)))
            .build();
    Group g = AlertCounts.fromWire(careless).groups().getFirst();
    assertThat(g.own()).isEqualTo(new Cell(0, true));
    assertThat(g.received()).isEqualTo(Cell.of(12));
  }

  @Test
  void fromWire_malformedAnswers_areRefused() {
    assertThatThrownBy(
            () ->
                AlertCounts.fromWire(
                    CountAlertsResponse.newBuilder()
                        .setBy(StatsGrouping.STATS_GROUPING_MONTH)
                        .setSince("soon")
                        .build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertCounts.fromWire(CountAlertsResponse.getDefaultInstance()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void grouping_takesItsWordInAnyCase_andRefusesOthers() {
    assertThat(Grouping.ofWord(" Area ")).isEqualTo(Grouping.AREA);
    assertThat(Grouping.ofWord("setting")).isEqualTo(Grouping.SETTING);
    assertThatThrownBy(() -> Grouping.ofWord("week"))
        .hasMessage("choose month, harm, area or setting");
  }
}
