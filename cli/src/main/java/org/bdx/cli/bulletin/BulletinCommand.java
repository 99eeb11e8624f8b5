package org.bdx.cli.bulletin;

import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.CliException;
import org.bdx.cli.command.NodeConnection;
import org.bdx.proto.v1.BulletinFormat;
import org.bdx.proto.v1.RenderBulletinRequest;
import org.bdx.proto.v1.RenderBulletinResponse;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
    name = "bulletin",
    description = {
      "Make a bulletin for workers: the current warnings this node holds (its own and those"
          + " partners shared), grouped by area, newest first, in the language you choose.",
      "It shows only the fields set in the node's settings (bulletin.fields), never the"
          + " narrative or the reporter's contact; retracted and expired warnings are left out.",
      "To e-mail it to subscribers (bdx subscribers), each in their language: bdx bulletin send.",
    },
    footer = {
      "",
      "Languages: en, fr, zh-Hans, zh-Hant, vi, ko, th, es, tl, pa.",
      "Examples:",
      "  bdx bulletin --since 2026-11-01",
      "  bdx bulletin --since 2026-11-01 --area Downtown --lang vi --format html --out sheet.html",
      "  bdx bulletin --since 2026-11-01 --lang th --format pdf --out sheet-th.pdf",
      "  bdx bulletin send",
    },
    subcommands = BulletinSendCommand.class,
    sortOptions = false)
public final class BulletinCommand extends BdxCommand {
  @Option(
      names = "--since",
      paramLabel = "YYYY-MM-DD",
      description = "Warnings about incidents on or after this date (required).")
  String since;

  @Option(
      names = "--area",
      paramLabel = "AREA",
      description = "Only this area, as written in the warnings (case does not matter).")
  String area;

  @Option(
      names = "--lang",
      paramLabel = "LANG",
      defaultValue = "en",
      description = "The bulletin's language (default ${DEFAULT-VALUE}).")
  String lang;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "text",
      description =
          "text, html or pdf (default ${DEFAULT-VALUE}). A pdf (A4, fonts embedded) needs --out;"
              + " an html file prints well too.")
  String format;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description =
          "Write the bulletin to FILE instead of the screen. An existing file is kept"
              + " unless --force.")
  Path outFile;

  @Option(names = "--force", description = "Replace FILE if it exists.")
  boolean force;

  @Override
  protected void run() throws Exception {
    // Not required=true: picocli would then ask for it before `bdx bulletin send` too.
    if (since == null) {
      throw CliException.usage(
          "--since",
          "--since: say from which date, e.g. --since 2026-11-01 (or send it: bdx bulletin"
              + " send)");
    }
    BulletinFormat wire =
        switch (format.strip().toLowerCase(Locale.ROOT)) {
          case "text" -> BulletinFormat.BULLETIN_FORMAT_TEXT;
          case "html" -> BulletinFormat.BULLETIN_FORMAT_HTML;
          case "pdf" -> BulletinFormat.BULLETIN_FORMAT_PDF;
          default -> throw CliException.usage("--format", "--format: choose text, html or pdf");
        };
    if (wire == BulletinFormat.BULLETIN_FORMAT_PDF && outFile == null) {
      // A PDF's bytes on a terminal are noise and can leave it in a strange state.
      throw CliException.usage("--out", "--format pdf needs --out FILE (for example sheet.pdf)");
    }
    Path target = outFile == null ? null : outFile.toAbsolutePath().normalize();
    if (target != null) {
      if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
        throw new CliException("no such directory for the bulletin: " + target.getParent());
      }
      if (Files.isDirectory(target)) {
        throw new CliException(target + " is a directory; name the bulletin file with --out");
      }
      if (!force && Files.exists(target)) {
        throw new CliException(target + " already exists; choose another file, or add --force");
      }
    }
    RenderBulletinRequest.Builder q =
        RenderBulletinRequest.newBuilder().setSince(since).setLang(lang).setFormat(wire);
    if (area != null) {
      q.setArea(area);
    }
    RenderBulletinResponse r;
    try (NodeConnection node = connect()) {
      r = node.call(s -> s.renderBulletin(q.build()));
    }
    if (target == null) {
      out().print(r.getContent().toString(StandardCharsets.UTF_8));
      out().flush();
      return;
    }
    try {
      if (force) {
        Files.write(target, r.getContent().toByteArray());
      } else {
        // CREATE_NEW: a file that appeared meanwhile is kept, and this fails.
        Files.write(target, r.getContent().toByteArray(), StandardOpenOption.CREATE_NEW);
      }
    } catch (FileAlreadyExistsException e) {
      throw new CliException(target + " already exists; choose another file, or add --force");
    }
    if (json()) {
      com.google.gson.JsonObject o = new com.google.gson.JsonObject();
      o.addProperty("file", target.toString());
      o.addProperty("alert_count", r.getAlertCount());
      o.addProperty("media_type", r.getMediaType());
      out().println(o);
    } else {
      out()
          .println(
              "Wrote a bulletin of "
                  + r.getAlertCount()
                  + (r.getAlertCount() == 1 ? " warning" : " warnings")
                  + " to "
                  + target);
    }
  }
}
