package org.bdx.cli.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;
import org.bdx.cli.command.CliException;
import org.bdx.node.intake.ReportValidator;

/**
 * A kept list as {@code bdx report import} reads it: a CSV file whose first row is the column
 * headings, or a JSON array of objects. Rows are numbered as people see them: in a CSV file the
 * headings are row 1 (as in a spreadsheet), in a JSON file the first object is row 1. Refused rows
 * are written back in the same form, each with the reason in a {@value #REASON} column.
 */
final class ImportFile {
  /** Far larger than any kept list; the whole file is read into memory. */
  static final int MAX_BYTES = 16 << 20;

  static final int MAX_ROWS = 50_000;

  /** A row longer than a whole report may be cannot be one. */
  static final int MAX_ROW_CHARS = ReportValidator.MAX_SERIALIZED_BYTES;

  /** The column (or key) the refused-rows file gives each row's reason in. */
  static final String REASON = "refused_because";

  /** One row: its number, its cells by heading, and whether it is too large to be a report. */
  record Row(int number, Map<String, List<String>> cells, boolean tooLarge) {
    List<String> cell(String heading) {
      return cells.getOrDefault(heading, List.of());
    }
  }

  private final boolean json;
  private final char delimiter;
  private final List<String> header;
  private final List<List<String>> csvRecords;
  private final JsonArray jsonRows;
  private final List<Row> rows;

  private ImportFile(
      boolean json,
      char delimiter,
      List<String> header,
      List<List<String>> csvRecords,
      JsonArray jsonRows,
      List<Row> rows) {
    this.json = json;
    this.delimiter = delimiter;
    this.header = header;
    this.csvRecords = csvRecords;
    this.jsonRows = jsonRows;
    this.rows = rows;
  }

  /**
   * Reads {@code file}: JSON when its name ends in .json, CSV with {@code delimiter} otherwise.
   *
   * @throws CliException when it is missing, too large, not UTF-8, or not CSV or JSON of the
   *     expected shape; the message never repeats the file's content
   */
  static ImportFile read(Path file, char delimiter) throws IOException {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw new CliException("no such file: " + file);
    }
    if (bytes.length > MAX_BYTES) {
      throw new CliException(
          file
              + " is larger than "
              + (MAX_BYTES >> 20)
              + " MiB; split it into several files and import each");
    }
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(java.nio.ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new CliException(
          file + " is not UTF-8 text; save it from your spreadsheet as \"CSV UTF-8\"");
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1); // the byte order mark spreadsheets put first
    }
    boolean json = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
    return json ? readJson(file, text) : readCsv(file, text, delimiter);
  }

  private static ImportFile readCsv(Path file, String text, char delimiter) throws IOException {
    CSVFormat format = CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get();
    List<String> header = null;
    List<List<String>> records = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    int number = 0;
    try (CSVParser parser = CSVParser.parse(new StringReader(text), format)) {
      for (CSVRecord r : parser) {
        number++;
        List<String> values = r.toList();
        if (header == null) {
          header = values.stream().map(String::strip).toList();
          continue;
        }
        if (rows.size() == MAX_ROWS) {
          throw tooManyRows(file);
        }
        records.add(values);
        Map<String, List<String>> cells = new java.util.HashMap<>();
        int chars = 0;
        for (int i = 0; i < Math.min(values.size(), header.size()); i++) {
          chars += values.get(i).length();
          cells.putIfAbsent(header.get(i), List.of(values.get(i)));
        }
        rows.add(new Row(number, cells, chars > MAX_ROW_CHARS));
      }
    } catch (UncheckedIOException | IllegalStateException e) {
      // The parser's own message can quote the cell; only where it stopped is said.
      throw new CliException(
          file
              + " could not be read as CSV after row "
              + number
              + "; look for a quote (\") that is not closed");
    }
    if (header == null) {
      throw new CliException(file + " is empty; its first row should be the column headings");
    }
    return new ImportFile(false, delimiter, header, records, null, rows);
  }

  private static ImportFile readJson(Path file, String text) {
    JsonElement tree;
    try {
      tree = JsonParser.parseString(text);
    } catch (JsonParseException e) {
      throw new CliException(file + " is not valid JSON; it should be an array of objects");
    }
    if (!tree.isJsonArray()) {
      throw new CliException(file + " is not a JSON array; it should be an array of objects");
    }
    JsonArray array = tree.getAsJsonArray();
    if (array.size() > MAX_ROWS) {
      throw tooManyRows(file);
    }
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < array.size(); i++) {
      Map<String, List<String>> cells = new java.util.HashMap<>();
      boolean tooLarge = false;
      JsonElement e = array.get(i);
      if (e.isJsonObject()) {
        tooLarge = e.toString().length() > MAX_ROW_CHARS;
        for (Map.Entry<String, JsonElement> kv : e.getAsJsonObject().entrySet()) {
          cells.put(kv.getKey(), values(kv.getValue()));
        }
      }
      rows.add(new Row(i + 1, cells, tooLarge || !e.isJsonObject()));
    }
    return new ImportFile(true, ',', List.of(), List.of(), array, rows);
  }

  /** A JSON value as cells: text, numbers and booleans as written, arrays element by element. */
  private static List<String> values(JsonElement v) {
    if (v.isJsonNull()) {
      return List.of();
    }
    if (v.isJsonPrimitive()) {
      return List.of(v.getAsString());
    }
    List<String> out = new ArrayList<>();
    if (v.isJsonArray()) {
      for (JsonElement e : v.getAsJsonArray()) {
        if (e.isJsonPrimitive()) {
          out.add(e.getAsString());
        }
      }
    }
    return out;
  }

  private static CliException tooManyRows(Path file) {
    return new CliException(
        file + " has more than " + MAX_ROWS + " rows; split it into several files and import each");
  }

  List<Row> rows() {
    return rows;
  }

  boolean json() {
    return json;
  }

  /** Whether a column (CSV) or key in any object (JSON) has this heading. */
  boolean hasHeading(String heading) {
    if (!json) {
      return header.contains(heading);
    }
    for (Row r : rows) {
      if (r.cells().containsKey(heading)) {
        return true;
      }
    }
    return false;
  }

  /** Headings that more than one CSV column has: which column is meant would be a guess. */
  List<String> repeatedHeadings() {
    Set<String> seen = new HashSet<>();
    return header.stream().filter(h -> !h.isEmpty() && !seen.add(h)).distinct().toList();
  }

  /**
   * The rows numbered in {@code reasons} (row number to reason), in this file's form with the
   * reason added, for writing to the refused-rows file.
   */
  String refused(Map<Integer, String> reasons) throws IOException {
    if (json) {
      JsonArray out = new JsonArray();
      for (Row r : rows) {
        String reason = reasons.get(r.number());
        if (reason != null) {
          JsonElement e = jsonRows.get(r.number() - 1).deepCopy();
          JsonObject o = e.isJsonObject() ? e.getAsJsonObject() : wrap(e);
          o.addProperty(REASON, reason);
          out.add(o);
        }
      }
      return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(out)
          + System.lineSeparator();
    }
    int reasonColumn = header.indexOf(REASON);
    List<String> outHeader = new ArrayList<>(header);
    if (reasonColumn < 0) {
      reasonColumn = outHeader.size();
      outHeader.add(REASON);
    }
    StringWriter w = new StringWriter();
    try (CSVPrinter p =
        new CSVPrinter(w, CSVFormat.DEFAULT.builder().setDelimiter(delimiter).get())) {
      p.printRecord(outHeader);
      for (int i = 0; i < rows.size(); i++) {
        String reason = reasons.get(rows.get(i).number());
        if (reason == null) {
          continue;
        }
        List<String> values = new ArrayList<>(csvRecords.get(i));
        while (values.size() < outHeader.size()) {
          values.add("");
        }
        values.set(reasonColumn, reason);
        p.printRecord(values);
      }
    }
    return w.toString();
  }

  /** A row that is not an object, kept whole under "row" so nothing of it is lost. */
  private static JsonObject wrap(JsonElement e) {
    JsonObject o = new JsonObject();
    o.add("row", e);
    return o;
  }
}
