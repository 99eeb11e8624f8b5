#!/usr/bin/env node
// Generates spec/bdx-v1-reference.md, the reference appendix of the BDX v1 specification:
// every service, call, message, field, enum and enum value of proto/src/main/proto, with the
// comments written on them in the .proto files.
//
// Input is a buf image in JSON with source info (comments live in sourceCodeInfo). By default
// the script builds one itself from the repository root with
//   .tools/node_modules/.bin/buf build --exclude-imports -o -#format=json
// (scripts/test installs buf there). Plain Node.js, no npm dependencies.
//
// Usage: node spec/tools/proto-reference.mjs [--image FILE|-] [--out FILE|-] [--buf PATH]
//   --image  read the JSON image from FILE (or stdin for "-") instead of running buf
//   --out    write to FILE (or stdout for "-"); default spec/bdx-v1-reference.md
//   --buf    the buf executable; default .tools/node_modules/.bin/buf
//
// The output depends only on the image: files in image order, and within a file services,
// messages (nested ones after their parent) and enums in declaration order, fields in
// declaration order. No timestamps or versions, so regenerating an unchanged tree gives
// byte-identical output (scripts/test relies on that).

import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

function parseArgs(argv) {
  const opts = {
    image: null,
    out: join(root, "spec", "bdx-v1-reference.md"),
    buf: join(root, ".tools", "node_modules", ".bin", "buf"),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const key = { "--image": "image", "--out": "out", "--buf": "buf" }[a];
    if (!key || i + 1 >= argv.length) {
      process.stderr.write(
        "usage: node spec/tools/proto-reference.mjs [--image FILE|-] [--out FILE|-] [--buf PATH]\n",
      );
      process.exit(2);
    }
    opts[key] = argv[++i];
  }
  return opts;
}

function loadImage(opts) {
  let text;
  if (opts.image === "-") text = readFileSync(0, "utf8");
  else if (opts.image) text = readFileSync(opts.image, "utf8");
  else
    text = execFileSync(opts.buf, ["build", "--exclude-imports", "-o", "-#format=json"], {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      stdio: ["ignore", "pipe", "inherit"],
    });
  const image = JSON.parse(text);
  if (!Array.isArray(image.file) || image.file.length === 0) throw new Error("image has no files");
  for (const f of image.file)
    if (!f.sourceCodeInfo)
      throw new Error(`${f.name}: image has no source info (built with --exclude-source-info?)`);
  return image;
}

// descriptor.proto field numbers used in SourceCodeInfo paths.
const P = {
  fileMessage: 4, fileEnum: 5, fileService: 6,
  msgField: 2, msgNested: 3, msgEnum: 4, msgOneof: 8,
  enumValue: 2, serviceMethod: 2,
  fileSyntax: 12, filePackage: 2,
};

const SCALARS = {
  TYPE_DOUBLE: "double", TYPE_FLOAT: "float", TYPE_INT64: "int64", TYPE_UINT64: "uint64",
  TYPE_INT32: "int32", TYPE_FIXED64: "fixed64", TYPE_FIXED32: "fixed32", TYPE_BOOL: "bool",
  TYPE_STRING: "string", TYPE_BYTES: "bytes", TYPE_UINT32: "uint32", TYPE_SFIXED32: "sfixed32",
  TYPE_SFIXED64: "sfixed64", TYPE_SINT32: "sint32", TYPE_SINT64: "sint64", TYPE_GROUP: "group",
};

// Comment text: protoc keeps the text after "//", so drop one leading space per line.
function commentLines(text) {
  if (!text) return [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n").map((l) => l.replace(/^ /, "").trimEnd());
  while (lines.length && lines[0] === "") lines.shift();
  while (lines.length && lines[lines.length - 1] === "") lines.pop();
  return lines;
}

function commentOf(locs, path) {
  const loc = locs.get(path.join("."));
  if (!loc) return [];
  const lead = commentLines(loc.leadingComments);
  const trail = commentLines(loc.trailingComments);
  return lead.length && trail.length ? [...lead, "", ...trail] : [...lead, ...trail];
}

// Paragraphs (split at blank lines), each joined into one line.
function paragraphs(lines) {
  const out = [];
  let cur = [];
  for (const l of lines) {
    if (l.trim() === "") {
      if (cur.length) out.push(cur.join(" "));
      cur = [];
    } else cur.push(l.trim());
  }
  if (cur.length) out.push(cur.join(" "));
  return out;
}

// Keep comment text literal in Markdown: no raw HTML, no accidental headings/lists/quotes.
function inline(s) {
  return s.replace(/&/g, "&amp;").replace(/<(?=[A-Za-z/!?])/g, "&lt;");
}
function block(s) {
  return inline(s).replace(/^(#|>|[-+*] |=+$|\d+[.)] )/, "\\$1");
}
function cell(s) {
  return inline(s).replace(/\|/g, "\\|");
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const image = loadImage(opts);

  // Every type defined in the image, so references can link to it.
  const defined = new Set();
  const mapEntries = new Map(); // full name -> nested map-entry descriptor
  const collect = (prefix, msgs, enums) => {
    for (const e of enums || []) defined.add(`${prefix}.${e.name}`);
    for (const m of msgs || []) {
      const full = `${prefix}.${m.name}`;
      if (m.options?.mapEntry) mapEntries.set(full, m);
      else defined.add(full);
      collect(full, m.nestedType, m.enumType);
    }
  };
  for (const f of image.file) collect(f.package ? `.${f.package}` : "", f.messageType, f.enumType);

  const out = [];
  const emit = (...lines) => out.push(...lines);

  const anchor = (full) => full.replace(/^\./, "");
  const typeRef = (typeName, pkg) => {
    const shown = pkg && typeName.startsWith(`.${pkg}.`) ? typeName.slice(pkg.length + 2) : typeName.replace(/^\./, "");
    return defined.has(typeName) ? `[\`${shown}\`](#${anchor(typeName)})` : `\`${shown}\``;
  };
  const fieldType = (f, pkg) => {
    if (f.typeName) return typeRef(f.typeName, pkg);
    return `\`${SCALARS[f.type] || f.type}\``;
  };

  emit(
    "# BDX protocol, version 1 — reference appendix",
    "",
    "<!-- Generated by spec/tools/proto-reference.mjs from proto/src/main/proto. Do not edit by hand:",
    "     change the .proto files, then run `node spec/tools/proto-reference.mjs`. scripts/test fails",
    "     when this file is out of date. -->",
    "",
    "This appendix is part of the specification (`bdx-v1.md`, section 1.4). It lists every service,",
    "call, message, field and enum of the `.proto` files under `proto/src/main/proto`, with the",
    "comments written on them there. Field numbers are the protobuf field numbers on the wire.",
    "",
    "## Files",
    "",
  );
  for (const f of image.file) emit(`- [\`${f.name}\`](#${fileAnchor(f.name)})`);
  emit("");

  for (const f of image.file) {
    const pkg = f.package || "";
    const locs = new Map();
    for (const l of f.sourceCodeInfo.location || []) {
      const key = (l.path || []).join(".");
      const prev = locs.get(key);
      // A path can have several locations; keep the first, or the first with comments.
      if (!prev || (!prev.leadingComments && !prev.trailingComments && (l.leadingComments || l.trailingComments)))
        locs.set(key, l);
    }
    emit(`<a id="${fileAnchor(f.name)}"></a>`, "", `## File \`${f.name}\``, "");
    if (pkg) emit(`Package \`${pkg}\`.`, "");
    for (const p of paragraphs([
      ...commentOf(locs, [P.fileSyntax]),
      "",
      ...commentOf(locs, [P.filePackage]),
    ]))
      emit(block(p), "");

    (f.service || []).forEach((s, si) => {
      const sp = [P.fileService, si];
      const full = `${pkg}.${s.name}`;
      emit(`<a id="${full}"></a>`, "", `### Service \`${s.name}\``, "");
      for (const p of paragraphs(commentOf(locs, sp))) emit(block(p), "");
      const methods = s.method || [];
      if (!methods.length) {
        emit("No calls.", "");
        return;
      }
      emit("| Call | Request | Response | Comment |", "| --- | --- | --- | --- |");
      methods.forEach((m, mi) => {
        const req = (m.clientStreaming ? "stream " : "") + typeRef(m.inputType, pkg);
        const res = (m.serverStreaming ? "stream " : "") + typeRef(m.outputType, pkg);
        const c = paragraphs(commentOf(locs, [...sp, P.serviceMethod, mi])).map(cell).join(" ");
        const dep = m.options?.deprecated ? " (deprecated)" : "";
        emit(`| \`${m.name}\`${dep} | ${req} | ${res} | ${c} |`);
      });
      emit("");
    });

    const emitEnum = (e, path, full) => {
      emit(`<a id="${full}"></a>`, "", `### Enum \`${full.slice(pkg.length + 1)}\``, "");
      for (const p of paragraphs(commentOf(locs, path))) emit(block(p), "");
      emit("| Number | Value | Comment |", "| ---: | --- | --- |");
      (e.value || []).forEach((v, vi) => {
        const c = paragraphs(commentOf(locs, [...path, P.enumValue, vi])).map(cell).join(" ");
        const dep = v.options?.deprecated ? " (deprecated)" : "";
        emit(`| ${v.number ?? 0} | \`${v.name}\`${dep} | ${c} |`);
      });
      emit("");
    };

    const emitMessage = (m, path, full) => {
      if (m.options?.mapEntry) return; // shown as map<K, V> on the field that uses it
      emit(`<a id="${full}"></a>`, "", `### Message \`${full.slice(pkg.length + 1)}\``, "");
      for (const p of paragraphs(commentOf(locs, path))) emit(block(p), "");
      const fields = m.field || [];
      if (!fields.length) emit("No fields.", "");
      else {
        emit("| Number | Field | Type | Comment |", "| ---: | --- | --- | --- |");
        fields.forEach((fd, fi) => {
          let type;
          const entry = fd.typeName && mapEntries.get(fd.typeName);
          if (entry) {
            const [k, v] = entry.field;
            type = `map<${fieldType(k, pkg)}, ${fieldType(v, pkg)}>`;
          } else {
            type = fieldType(fd, pkg);
            if (fd.label === "LABEL_REPEATED") type = `repeated ${type}`;
            else if (fd.proto3Optional) type = `optional ${type}`;
          }
          if (fd.oneofIndex !== undefined && !fd.proto3Optional)
            type += ` (oneof \`${m.oneofDecl[fd.oneofIndex].name}\`)`;
          if (fd.options?.deprecated) type += " (deprecated)";
          const c = paragraphs(commentOf(locs, [...path, P.msgField, fi])).map(cell).join(" ");
          emit(`| ${fd.number} | \`${fd.name}\` | ${type} | ${c} |`);
        });
        emit("");
      }
      // Oneof groups with comments of their own.
      (m.oneofDecl || []).forEach((o, oi) => {
        const c = paragraphs(commentOf(locs, [...path, P.msgOneof, oi]));
        if (c.length) emit(`Oneof \`${o.name}\`: ${c.map(inline).join(" ")}`, "");
      });
      const reserved = [
        ...(m.reservedRange || []).map((r) => {
          const start = r.start ?? 0;
          const end = (r.end ?? 1) - 1; // end is exclusive in the descriptor
          return start === end ? `${start}` : end >= 536870911 ? `${start} to max` : `${start} to ${end}`;
        }),
        ...(m.reservedName || []).map((n) => `\`${n}\``),
      ];
      if (reserved.length) emit(`Reserved: ${reserved.join(", ")}.`, "");
      (m.nestedType || []).forEach((n, ni) => emitMessage(n, [...path, P.msgNested, ni], `${full}.${n.name}`));
      (m.enumType || []).forEach((e, ei) => emitEnum(e, [...path, P.msgEnum, ei], `${full}.${e.name}`));
    };

    (f.messageType || []).forEach((m, mi) => emitMessage(m, [P.fileMessage, mi], `${pkg}.${m.name}`));
    (f.enumType || []).forEach((e, ei) => emitEnum(e, [P.fileEnum, ei], `${pkg}.${e.name}`));
  }

  while (out.length && out[out.length - 1] === "") out.pop();
  const text = out.join("\n") + "\n";
  if (opts.out === "-") process.stdout.write(text);
  else writeFileSync(opts.out, text);
}

function fileAnchor(name) {
  return "file-" + name.replace(/[^A-Za-z0-9]+/g, "-");
}

main();
