package org.bdx.node.search;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PhoneNumbersTest {

  private final PhoneNumbers ca = new PhoneNumbers("CA");
  private final PhoneNumbers gb = new PhoneNumbers("GB");

  @ParameterizedTest
  @ValueSource(
      strings = {
        "604-555-0123",
        "(604) 555-0123",
        "604.555.0123",
        "6045550123",
        "+1 604 555 0123",
        "+16045550123",
        "1-604-555-0123",
        " 604 555 0123 ",
        "604/555/0123",
        "\uff16\uff10\uff14\uff15\uff15\uff15\uff10\uff11\uff12\uff13"
      })
  void toE164_canadianFormats_sameNumber(String raw) {
    assertThat(ca.toE164(raw)).contains("+16045550123");
  }

  @Test
  void toE164_usNumberWithCanadianDefault() {
    assertThat(ca.toE164("(212) 555-0199")).contains("+12125550199");
    assertThat(new PhoneNumbers("US").toE164("212.555.0199")).contains("+12125550199");
  }

  @ParameterizedTest
  @CsvSource({
    "020 7946 0958, +442079460958",
    "+44 20 7946 0958, +442079460958",
    "07700 900123, +447700900123",
    "+33 1 23 45 67 89, +33123456789",
    "+1 604 555 0123, +16045550123",
  })
  void toE164_ukDefault(String raw, String e164) {
    assertThat(gb.toE164(raw)).contains(e164);
  }

  @Test
  void toE164_alreadyE164_unchanged() {
    assertThat(ca.toE164("+442079460958")).contains("+442079460958");
    assertThat(gb.toE164("+16045550123")).contains("+16045550123");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "   ",
        "abc",
        "call me",
        "12",
        "555-0123",
        "604-555-01234567",
        "+999 123",
        "1-800-FLOWERS",
        "604 555 0123 ext 5",
        "6045550123; DROP TABLE",
        "+",
        "--",
        "(((604)))"
      })
  void toE164_garbage_rejected(String raw) {
    assertThat(ca.toE164(raw)).isEmpty();
  }

  @Test
  void toE164_null_and_overlong_rejected() {
    assertThat(ca.toE164(null)).isEmpty();
    assertThat(ca.toE164("6".repeat(65))).isEmpty();
    assertThat(ca.toE164(" ".repeat(60) + "6045550123")).isEmpty();
  }

  @Test
  void constructor_validatesRegion() {
    assertThat(new PhoneNumbers("ca").defaultRegion()).isEqualTo("CA");
    assertThatThrownBy(() -> new PhoneNumbers("XX")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PhoneNumbers("CAN")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PhoneNumbers("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void isE164_shape() {
    assertThat(PhoneNumbers.isE164("+16045550123")).isTrue();
    assertThat(PhoneNumbers.isE164("16045550123")).isFalse();
    assertThat(PhoneNumbers.isE164("+0123")).isFalse();
    assertThat(PhoneNumbers.isE164("+1234567890123456")).isFalse();
  }

  @Test
  void forReading_groupsAnE164Number_andLeavesAnythingElseAsItIs() {
    assertThat(PhoneNumbers.forReading("+16045550123")).isEqualTo("+1 604-555-0123");
    assertThat(PhoneNumbers.forReading("+442079460018")).isEqualTo("+44 20 7946 0018");
    assertThat(PhoneNumbers.forReading("604 555")).isEqualTo("604 555");
    assertThat(PhoneNumbers.forReading(null)).isNull();
  }

  @Test
  void asTyped_keepsTheTextMarked_whenItHasFourDigits() {
    assertThat(PhoneNumbers.asTyped(" 555-0123 ")).contains("~555-0123");
    assertThat(PhoneNumbers.asTyped("~ 0123")).contains("~0123");
    assertThat(PhoneNumbers.asTyped("call 555 CALL 1")).contains("~call 555 CALL 1");
    assertThat(PhoneNumbers.asTyped("123")).isEmpty();
    assertThat(PhoneNumbers.asTyped("~~")).isEmpty();
    assertThat(PhoneNumbers.asTyped("1".repeat(65))).isEmpty();
    assertThat(PhoneNumbers.isAsTyped("~0123")).isTrue();
    assertThat(PhoneNumbers.isAsTyped("+16045550123")).isFalse();
  }

  @Test
  void digits_anyScript_asAscii() {
    assertThat(PhoneNumbers.digits("(604) ５５５-٠١٢٣")).isEqualTo("6045550123");
    assertThat(PhoneNumbers.digits("no digits")).isEmpty();
  }

  @Test
  void areaCodeStart_inTheRegionOrWithACountryCode() {
    PhoneNumbers ca = new PhoneNumbers("CA");
    assertThat(ca.areaCodeStart("604")).contains("+1604");
    assertThat(ca.areaCodeStart(" (604) ")).contains("+1604");
    assertThat(ca.areaCodeStart("+44 20")).contains("+4420");
    assertThat(new PhoneNumbers("GB").areaCodeStart("20")).contains("+4420");
    assertThat(new PhoneNumbers("GB").areaCodeStart("020")).contains("+4420");
    assertThat(ca.areaCodeStart("abc")).isEmpty();
    assertThat(ca.areaCodeStart("+0")).isEmpty();
    assertThat(ca.areaCodeStart("123456789")).isEmpty();
  }
}
