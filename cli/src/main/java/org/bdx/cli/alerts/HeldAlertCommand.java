package org.bdx.cli.alerts;

import org.bdx.cli.command.BdxCommand;
import org.bdx.cli.command.NodeConnection;
import org.bdx.proto.v1.GetAlertRequest;
import org.bdx.proto.v1.GetAlertResponse;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * A command about one alert held here, named by its id (and its origin when two origins used the
 * same id): the argument, the option and the fetch written once for {@code show} and {@code
 * linked}.
 */
abstract class HeldAlertCommand extends BdxCommand {
  @Parameters(paramLabel = "ID", description = "The alert id.")
  String alertId;

  @Option(
      names = "--origin",
      paramLabel = "NODE_ID",
      description = "The origin node, when two origins used the same alert id.")
  String origin;

  /** The alert as this node holds it. */
  final GetAlertResponse fetch(NodeConnection node) throws java.io.IOException {
    GetAlertRequest.Builder req = GetAlertRequest.newBuilder().setAlertId(alertId);
    if (origin != null) {
      req.setOriginNodeId(origin);
    }
    return node.call(s -> s.getAlert(req.build()));
  }
}
