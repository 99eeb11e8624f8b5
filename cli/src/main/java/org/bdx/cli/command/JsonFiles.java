package org.bdx.cli.command;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why a JSON file (a report, agreement terms) could not be read, in words a coordinator can act on.
 * The JSON parser's own messages name Java classes and protocol types ({@code java.io.EOFException:
 * End of input at line 2 column 1 path $.area}, {@code Out of range uint32 value: -5}); these say
 * where in the file the problem is and what to do.
 */
public final class JsonFiles {
  private static final Pattern WHERE =
      Pattern.compile("at line (\\d+) column (\\d+)(?: path \\$\\.?(\\S*))?");
  private static final Pattern UNKNOWN_FIELD = Pattern.compile("Cannot find field: (\\S+)");
  private static final Pattern BAD_VALUE =
      Pattern.compile(
          "(Invalid enum value|Out of range \\w+ value|Not an? \\w+ value|Invalid \\w+ value):"
              + " (.+?)(?: for enum type: \\S+)?\\.?$");
  private static final Pattern OUT_OF_RANGE = Pattern.compile("Out of range (u?)int\\d+ value");

  private JsonFiles() {}

  /**
   * The failure to report when {@code text}, read from {@code file}, is not a {@code what} (e.g. "a
   * report"); {@code template} is the command that prints the expected shape.
   */
  public static CliException unreadable(
      String file, String text, InvalidProtocolBufferException e, String what, String template) {
    String raw = e.getMessage() == null ? "" : e.getMessage();
    String field = null;
    String problem;
    Matcher m;
    if ((m = UNKNOWN_FIELD.matcher(raw)).find()) {
      field = m.group(1);
      problem = "it has a field \"" + field + "\" that " + what + " does not have";
    } else if ((m = BAD_VALUE.matcher(raw)).find()) {
      String value = m.group(2).strip();
      field = pathOf(text, value).orElse(null);
      problem = (field == null ? "" : field + ": ") + valueProblem(m.group(1), value);
    } else if ((m = WHERE.matcher(raw)).find()) {
      String near = m.group(3) == null || m.group(3).isEmpty() ? "" : m.group(3);
      field = near.isEmpty() ? null : near;
      problem =
          (raw.contains("End of input") ? "it ends too early" : "it is not valid JSON")
              + " at line "
              + m.group(1)
              + ", column "
              + m.group(2)
              + (near.isEmpty() ? "" : " (in \"" + near + "\")")
              + "; look for a missing quote, comma or closing brace";
    } else {
      problem = "it is not valid JSON";
    }
    return CliException.field(
        field,
        file
            + " is not "
            + what
            + " in JSON form: "
            + problem
            + "."
            + System.lineSeparator()
            + "See `"
            + template
            + "` for the expected shape.");
  }

  private static String valueProblem(String kind, String value) {
    if (kind.startsWith("Invalid enum")) {
      return value + " is not one of the words this field takes";
    }
    Matcher range = OUT_OF_RANGE.matcher(kind);
    if (range.find()) {
      return value
          + " is out of range"
          + ("u".equals(range.group(1)) && value.startsWith("-") ? "; it cannot be negative" : "");
    }
    if (kind.contains("bool")) {
      return value + " is not true or false";
    }
    if (kind.contains("int")) {
      return value + " is not a whole number";
    }
    return value + " is not a valid value here";
  }

  /** Where in {@code text} the first value written as {@code token} is, e.g. "we_send.x". */
  static Optional<String> pathOf(String text, String token) {
    Value.Builder root = Value.newBuilder();
    try {
      JsonFormat.parser().merge(text, root);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return Optional.empty();
    }
    return find(root.build(), unquoted(token), "");
  }

  private static String unquoted(String token) {
    return token.length() >= 2 && token.startsWith("\"") && token.endsWith("\"")
        ? token.substring(1, token.length() - 1)
        : token;
  }

  private static Optional<String> find(Value v, String token, String path) {
    switch (v.getKindCase()) {
      case STRUCT_VALUE -> {
        for (Map.Entry<String, Value> f : v.getStructValue().getFieldsMap().entrySet()) {
          Optional<String> found =
              find(f.getValue(), token, path.isEmpty() ? f.getKey() : path + "." + f.getKey());
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }
      case LIST_VALUE -> {
        for (int i = 0; i < v.getListValue().getValuesCount(); i++) {
          Optional<String> found = find(v.getListValue().getValues(i), token, path + "[" + i + "]");
          if (found.isPresent()) {
            return found;
          }
        }
        return Optional.empty();
      }
      case STRING_VALUE -> {
        return v.getStringValue().equals(token) ? Optional.of(path) : Optional.empty();
      }
      case NUMBER_VALUE -> {
        try {
          return v.getNumberValue() == Double.parseDouble(token)
              ? Optional.of(path)
              : Optional.empty();
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
      case BOOL_VALUE -> {
        return String.valueOf(v.getBoolValue()).equals(token)
            ? Optional.of(path)
            : Optional.empty();
      }
      default -> {
        return Optional.empty();
      }
    }
  }
}
