package org.bdx.node.signing;

import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bdx.proto.v1.AlertFields;

/** The claim paths of spec ALR-2, derived from the AlertFields descriptor so they cannot drift. */
final class ClaimPaths {
  /** Field name → descriptor, in field-number order. */
  static final Map<String, FieldDescriptor> BY_NAME;

  /** Field names in field-number order. */
  static final List<String> NAMES;

  static {
    List<FieldDescriptor> fields = new ArrayList<>(AlertFields.getDescriptor().getFields());
    fields.sort((a, b) -> Integer.compare(a.getNumber(), b.getNumber()));
    Map<String, FieldDescriptor> byName = new LinkedHashMap<>();
    for (FieldDescriptor f : fields) {
      if (f.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        // SIG-6 checks values field by field; a nested message would need its own rules.
        throw new ExceptionInInitializerError("AlertFields." + f.getName() + " is a message field");
      }
      byName.put(f.getName(), f);
    }
    BY_NAME = Collections.unmodifiableMap(byName);
    NAMES = List.copyOf(byName.keySet());
  }

  private ClaimPaths() {}
}
