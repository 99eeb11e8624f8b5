package org.bdx.node.intake;

import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.ProtocolMessageEnum;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.bdx.proto.v1.Audience;
import org.bdx.proto.v1.HarmCategory;
import org.bdx.proto.v1.Severity;
import org.bdx.proto.v1.TimeOfDay;
import org.bdx.proto.v1.WorkSetting;

/**
 * The words of the protocol vocabulary as the CLI and humans write them.
 *
 * <p>A value is written as the lowercase enum name without its prefix ({@code
 * HARM_CATEGORY_PHYSICAL_ASSAULT} is {@code physical_assault}). Parsing is case-insensitive,
 * accepts '-' and ' ' for '_', and also accepts the full enum name. {@code *_UNSPECIFIED} and
 * {@code UNRECOGNIZED} are never accepted.
 */
public final class Vocabulary {

  /** Longer input is never a vocabulary word; it is rejected without further work. */
  private static final int MAX_WORD_LENGTH = 64;

  private Vocabulary() {}

  public static HarmCategory harm(String word) {
    return parse(HarmCategory.class, word, "harm");
  }

  public static WorkSetting setting(String word) {
    return parse(WorkSetting.class, word, "setting");
  }

  public static Audience audience(String word) {
    return parse(Audience.class, word, "audience");
  }

  public static Severity severity(String word) {
    return parse(Severity.class, word, "severity");
  }

  public static TimeOfDay timeOfDay(String word) {
    return parse(TimeOfDay.class, word, "time of day");
  }

  /**
   * The short lowercase word of a value, e.g. "physical_assault". The zero value gives
   * "unspecified" (useful for display); {@code UNRECOGNIZED} is rejected.
   */
  public static String word(ProtocolMessageEnum value) {
    Objects.requireNonNull(value, "value");
    if (value instanceof Enum<?> e && e.name().equals("UNRECOGNIZED")) {
      throw new IllegalArgumentException("unrecognized value has no word");
    }
    EnumValueDescriptor d = value.getValueDescriptor();
    return shortName(d.getType(), d.getName());
  }

  /** The accepted words of an enum type, in declaration order, without the zero value. */
  @SuppressWarnings("rawtypes")
  public static List<String> words(Class<? extends Enum> type) {
    Objects.requireNonNull(type, "type");
    List<String> out = new ArrayList<>();
    for (Enum<?> constant : type.getEnumConstants()) {
      if (!(constant instanceof ProtocolMessageEnum pme)
          || constant.name().equals("UNRECOGNIZED")) {
        continue;
      }
      EnumValueDescriptor d = pme.getValueDescriptor();
      if (d.getNumber() == 0) {
        continue;
      }
      out.add(shortName(d.getType(), d.getName()));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("not a protocol enum: " + type.getSimpleName());
    }
    return List.copyOf(out);
  }

  private static <E extends Enum<E> & ProtocolMessageEnum> E parse(
      Class<E> type, String word, String kind) {
    EnumDescriptor d = type.getEnumConstants()[0].getDescriptorForType();
    int number = value(d, word, kind).getNumber();
    for (E constant : type.getEnumConstants()) {
      if (!constant.name().equals("UNRECOGNIZED") && constant.getNumber() == number) {
        return constant;
      }
    }
    throw new IllegalStateException("no constant for " + d.getName() + " " + number);
  }

  /**
   * The value of any protocol enum {@code type} that {@code word} names, spelled as the CLI's
   * options take it (see the class comment); for files people write, whose enum fields are known
   * only by their descriptors.
   *
   * @param kind what the value is, for the message ("harm", "value")
   * @throws IllegalArgumentException naming the word and every accepted word
   */
  public static EnumValueDescriptor value(EnumDescriptor type, String word, String kind) {
    Objects.requireNonNull(type, "type");
    if (word != null && word.length() <= MAX_WORD_LENGTH) {
      String key = word.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
      for (EnumValueDescriptor d : type.getValues()) {
        if (d.getNumber() == 0) {
          continue;
        }
        String full = d.getName();
        if (key.equals(full) || key.equals(full.substring(prefix(type).length()))) {
          return d;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown "
            + kind
            + " '"
            + printable(word)
            + "'; one of: "
            + String.join(", ", words(type)));
  }

  /** The short lowercase word of a value, e.g. "physical_assault" ("unspecified" for zero). */
  public static String word(EnumValueDescriptor value) {
    Objects.requireNonNull(value, "value");
    return shortName(value.getType(), value.getName());
  }

  private static List<String> words(EnumDescriptor type) {
    List<String> out = new ArrayList<>();
    for (EnumValueDescriptor d : type.getValues()) {
      if (d.getNumber() != 0) {
        out.add(shortName(type, d.getName()));
      }
    }
    return out;
  }

  private static String shortName(EnumDescriptor type, String fullName) {
    String prefix = prefix(type);
    String name = fullName.startsWith(prefix) ? fullName.substring(prefix.length()) : fullName;
    return name.toLowerCase(Locale.ROOT);
  }

  /** "HARM_CATEGORY_" from the zero value "HARM_CATEGORY_UNSPECIFIED". */
  private static String prefix(EnumDescriptor type) {
    String zero = type.findValueByNumber(0).getName();
    return zero.endsWith("UNSPECIFIED")
        ? zero.substring(0, zero.length() - "UNSPECIFIED".length())
        : "";
  }

  /**
   * The user's own word, echoed so a typo is visible: cut to 32 characters and reduced to letters,
   * digits, '_', '-' and ' ' so nothing else can reach a terminal or a log.
   */
  private static String printable(String word) {
    if (word == null) {
      return "";
    }
    StringBuilder sb = new StringBuilder();
    word.codePoints()
        .limit(32)
        .forEach(
            cp -> {
              boolean ok =
                  (cp < 128
                      && (Character.isLetterOrDigit(cp) || cp == '_' || cp == '-' || cp == ' '));
              sb.append(ok ? (char) cp : '?');
            });
    if (word.codePointCount(0, word.length()) > 32) {
      sb.append("...");
    }
    return sb.toString();
  }
}
