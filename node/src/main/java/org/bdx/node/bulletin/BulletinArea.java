package org.bdx.node.bulletin;

import java.util.List;

/**
 * The warnings of one area, newest incident first.
 *
 * @param name the area as written in the newest warning; "" for warnings whose area is not shown
 */
public record BulletinArea(String name, List<BulletinEntry> entries) {
  public BulletinArea {
    name = name == null ? "" : name;
    entries = List.copyOf(entries);
  }
}
