package org.bdx.node.signing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.bdx.proto.v1.AlertFields;
import org.bdx.proto.v1.AlertStatus;
import org.bdx.proto.v1.Audience;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AlertDraftTest {
  private static final String ID = AlertDraft.newAlertId(new SecureRandom());
  private static final AlertFields F = Fixtures.twoFields();

  @Test
  @DisplayName("ALR-3: alert id is 26 lower-case base32 characters of 16 bytes")
  void newAlertId_format() {
    String id = AlertDraft.newAlertId(new SecureRandom());
    assertThat(id).hasSize(26).matches("[a-z2-7]{25}[aeimquy4]");
    assertThat(AlertDraft.isValidAlertId(id)).isTrue();
    assertThat(AlertDraft.isValidAlertId(id.toUpperCase())).isFalse();
    assertThat(AlertDraft.isValidAlertId(id.substring(1))).isFalse();
    assertThat(AlertDraft.isValidAlertId(id.substring(0, 25) + "b")).isFalse(); // trailing bits
    assertThat(AlertDraft.isValidAlertId(null)).isFalse();
  }

  @Test
  void constructor_valid() {
    AlertDraft d =
        new AlertDraft(ID, 1, AlertStatus.ALERT_STATUS_ACTIVE, 1, 2, Audience.AUDIENCE_PEER, 0, F);
    assertThat(d.retracted()).isFalse();
  }

  @Test
  @DisplayName("ALR-4..ALR-6: invalid drafts are rejected")
  void constructor_invalid_throws() {
    AlertStatus a = AlertStatus.ALERT_STATUS_ACTIVE;
    Audience p = Audience.AUDIENCE_PEER;
    assertThatThrownBy(() -> new AlertDraft("bad", 1, a, 1, 2, p, 0, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertDraft(ID, 0, a, 1, 2, p, 0, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new AlertDraft(ID, 1, AlertStatus.ALERT_STATUS_UNSPECIFIED, 1, 2, p, 0, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertDraft(ID, 1, a, 2, 2, p, 0, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertDraft(ID, 1, a, 1, 2, Audience.AUDIENCE_UNSPECIFIED, 0, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertDraft(ID, 1, a, 1, 2, p, -1, F))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> new AlertDraft(ID, 1, AlertStatus.ALERT_STATUS_RETRACTED, 1, 2, p, 0, F))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retraction");
    assertThatThrownBy(
            () ->
                new AlertDraft(
                    ID,
                    1,
                    a,
                    1,
                    2,
                    p,
                    0,
                    F.toBuilder().setUnknownFields(NegativeCases.unknown(99)).build()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new AlertDraft(ID, 1, a, 1, 2, p, 0, null))
        .isInstanceOf(NullPointerException.class);
  }
}
