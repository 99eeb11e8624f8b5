package org.bdx.cli.command;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.util.JsonFormat;
import java.util.Map;
import java.util.function.BiFunction;
import org.bdx.node.intake.Vocabulary;

/**
 * Report and agreement terms files as people write and read them: protobuf JSON whose enum values
 * are the same lower-case words the options take ("evening", "physical_assault", "peer"); the enum
 * names are still accepted. {@code --json} output is not this: it stays plain protobuf JSON for
 * scripts.
 */
public final class HumanJson {
  /** Without HTML escaping, so an apostrophe in the template reads as one, not as an escape. */
  private static final Gson PRETTY =
      new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create();

  private HumanJson() {}

  /** {@code m} as indented JSON with the vocabulary's words for enum values. */
  public static String print(MessageOrBuilder m) {
    JsonElement tree = JsonParser.parseString(Printing.prettyJson(m));
    rewrite(
        tree,
        m.getDescriptorForType(),
        "",
        (type, v) -> {
          var d = type.findValueByName(v);
          return d == null ? v : Vocabulary.word(d);
        });
    return PRETTY.toJson(tree);
  }

  /**
   * Merges the JSON text of a file into {@code b}, taking the vocabulary's words for enum values.
   *
   * @param source the file's name, for the message about an unknown word
   * @throws CliException naming the field, the word and the accepted words when a word is unknown
   * @throws InvalidProtocolBufferException when the text is not JSON or not of {@code b}'s shape
   */
  public static void merge(String json, Message.Builder b, String source)
      throws InvalidProtocolBufferException {
    JsonElement tree;
    try {
      tree = JsonParser.parseString(json);
    } catch (JsonParseException e) {
      // Not JSON: the protobuf parser says where, as it did before words were taken.
      JsonFormat.parser().merge(json, b);
      return;
    }
    rewrite(
        tree,
        b.getDescriptorForType(),
        "",
        (type, v) -> {
          if (type.findValueByName(v) != null) {
            return v; // the enum name itself, as protobuf JSON writes it
          }
          return Vocabulary.value(type, v, "value").getName();
        },
        source);
    JsonFormat.parser().merge(tree.toString(), b);
  }

  private static void rewrite(
      JsonElement e, Descriptor type, String path, BiFunction<EnumDescriptor, String, String> f) {
    rewrite(e, type, path, f, null);
  }

  /** Replaces each enum value in {@code e} (a message of {@code type}) by {@code f}'s answer. */
  private static void rewrite(
      JsonElement e,
      Descriptor type,
      String path,
      BiFunction<EnumDescriptor, String, String> f,
      String source) {
    if (!e.isJsonObject()) {
      return; // the protobuf parser says what is wrong with it
    }
    JsonObject o = e.getAsJsonObject();
    for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
      FieldDescriptor field = field(type, entry.getKey());
      if (field == null || field.isMapField()) {
        continue;
      }
      String name = path + field.getName();
      JsonElement v = entry.getValue();
      if (field.isRepeated() && v.isJsonArray()) {
        JsonArray a = v.getAsJsonArray();
        for (int i = 0; i < a.size(); i++) {
          a.set(i, one(a.get(i), field, name + "[" + i + "]", f, source));
        }
      } else {
        entry.setValue(one(v, field, name, f, source));
      }
    }
  }

  private static JsonElement one(
      JsonElement v,
      FieldDescriptor field,
      String name,
      BiFunction<EnumDescriptor, String, String> f,
      String source) {
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      rewrite(v, field.getMessageType(), name + ".", f, source);
      return v;
    }
    if (field.getJavaType() != FieldDescriptor.JavaType.ENUM
        || !v.isJsonPrimitive()
        || !v.getAsJsonPrimitive().isString()) {
      return v;
    }
    try {
      return new JsonPrimitive(f.apply(field.getEnumType(), v.getAsString()));
    } catch (IllegalArgumentException ex) {
      // The field is named for --json too (spec of the CLI's JSON errors: code, message, field).
      throw CliException.field(
          name, (source == null ? "" : source + ": ") + name + ": " + ex.getMessage());
    }
  }

  /** The field a JSON key names: its proto name or its lowerCamelCase JSON name. */
  private static FieldDescriptor field(Descriptor type, String key) {
    FieldDescriptor f = type.findFieldByName(key);
    if (f != null) {
      return f;
    }
    for (FieldDescriptor d : type.getFields()) {
      if (d.getJsonName().equals(key)) {
        return d;
      }
    }
    return null;
  }
}
