package com.oversoc.mesh.node.cli;

import com.oversoc.mesh.coordinator.admin.AdminApi;
import com.oversoc.mesh.coordinator.admin.AdminApi.AuditView;
import com.oversoc.mesh.coordinator.admin.AdminApi.CreatedKey;
import com.oversoc.mesh.coordinator.admin.AdminApi.KeyView;
import com.oversoc.mesh.coordinator.admin.AdminApi.NodeView;
import com.oversoc.mesh.coordinator.admin.AdminApi.PolicyView;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;

/**
 * {@code ovsgw admin}: the coordinator's admin API from the command line. Talks HTTP to the
 * admin listener (loopback by default) with the admin token from a file or the environment.
 */
@Command(name = "admin", description = "Administer a coordinator: pre-auth keys, nodes, policy, audit log.",
    subcommands = {AdminCommand.Keys.class, AdminCommand.Nodes.class, AdminCommand.Policy.class,
        AdminCommand.Audit.class})
final class AdminCommand implements Runnable {
  /** Environment variable holding the admin token when no --token-file is given. */
  static final String TOKEN_VARIABLE = "OVSGW_ADMIN_TOKEN";
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec spec;
  @ParentCommand OvsgwCommand root;

  @Option(names = "--url", defaultValue = "http://127.0.0.1:8444", paramLabel = "URL",
      description = "The coordinator's admin API (ovsgw.coordinator.admin-listen-*). Default: ${DEFAULT-VALUE}.")
  String url;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the admin token. Default: the " + TOKEN_VARIABLE + " environment variable.")
  Path tokenFile;

  @Option(names = "--json", description = "Print the API's JSON instead of a table.")
  boolean json;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** A refusal the user must act on, with the exit code to leave with. */
  static final class AdminFailure extends Exception {
    private static final long serialVersionUID = 1L;
    final int exit;

    AdminFailure(int exit, String message) {
      super(message);
      this.exit = exit;
    }
  }

  String token() throws AdminFailure {
    String t;
    if (tokenFile != null) {
      try {
        t = Files.readString(tokenFile, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new AdminFailure(ExitCodes.USAGE, "cannot read --token-file " + tokenFile + ": " + e.getMessage());
      }
    } else {
      t = root.env.getOrDefault(TOKEN_VARIABLE, "").strip();
    }
    if (t.isEmpty()) {
      throw new AdminFailure(ExitCodes.USAGE, "no admin token: pass --token-file FILE or set " + TOKEN_VARIABLE
          + " (the coordinator printed the first token on its first start)");
    }
    return t;
  }

  /** Calls the API; returns the body of a 2xx answer, or throws with the API's message. */
  String call(String method, String path, String body) throws AdminFailure {
    URI uri;
    try {
      uri = URI.create(url.replaceAll("/+$", "") + path);
    } catch (IllegalArgumentException e) {
      throw new AdminFailure(ExitCodes.USAGE, "--url " + url + " is not a URL; accepted: http://HOST:PORT");
    }
    HttpRequest request = HttpRequest.newBuilder(uri)
        .timeout(REQUEST_TIMEOUT)
        .header("Authorization", "Bearer " + token())
        .header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    HttpResponse<String> r;
    try (HttpClient client = HttpClient.newBuilder().connectTimeout(REQUEST_TIMEOUT).build()) {
      r = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new AdminFailure(ExitCodes.FAILURE, "cannot reach the admin API at " + url + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AdminFailure(ExitCodes.FAILURE, "interrupted");
    }
    if (r.statusCode() / 100 == 2) {
      return r.body();
    }
    String message;
    try {
      AdminApi.ErrorView e = AdminApi.JSON.readValue(r.body(), AdminApi.ErrorView.class);
      List<String> lines = new ArrayList<>(List.of(e.error()));
      e.problems().forEach(p -> lines.add("  " + p));
      message = String.join("\n", lines);
    } catch (JacksonException notJson) {
      message = "HTTP " + r.statusCode();
    }
    throw new AdminFailure(r.statusCode() == 400 ? ExitCodes.USAGE : ExitCodes.FAILURE, message);
  }

  /** Runs one admin action, printing its failure the way every ovsgw error is printed. */
  int execute(Callable<Void> action) {
    try {
      action.call();
      return ExitCodes.OK;
    } catch (AdminFailure f) {
      f.getMessage().lines().forEach(l -> spec.commandLine().getErr().println("ovsgw: " + l));
      return f.exit;
    } catch (Exception e) {
      spec.commandLine().getErr().println("ovsgw: " + e);
      return ExitCodes.FAILURE;
    }
  }

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  /** Prints rows as left-aligned columns. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    int[] width = new int[header.size()];
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        width[i] = Math.max(width[i], r.get(i).length());
      }
    }
    for (List<String> r : all) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        sb.append(i == r.size() - 1 ? r.get(i) : String.format("%-" + (width[i] + 2) + "s", r.get(i)));
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  static String orDash(Object o) {
    return o == null || o.toString().isEmpty() ? "-" : o.toString();
  }

  // ---- keys ----

  @Command(name = "keys", description = "Pre-auth keys: create, list, revoke.",
      subcommands = {Keys.Create.class, Keys.ListKeys.class, Keys.Revoke.class})
  static final class Keys implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand AdminCommand admin;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", description = {"Create a pre-auth key; prints it once on stdout.",
        "Role, tenant and tags of the nodes it enrolls come from the key."})
    static final class Create implements Callable<Integer> {
      @ParentCommand Keys keys;
      @Option(names = "--tenant", required = true, description = "Tenant, e.g. acme.") String tenant;
      @Option(names = "--role", required = true, description = "gateway, platform or relay.") String role;
      @Option(names = "--tag", paramLabel = "TAG", description = "A tag for its nodes (repeatable).")
      List<String> tags = new ArrayList<>();
      @Option(names = "--reusable", description = "Enrolls any number of nodes (default: one).") boolean reusable;
      @Option(names = "--ephemeral", description = "Its nodes are removed after being offline for a while.")
      boolean ephemeral;
      @Option(names = "--expiry", defaultValue = "24h", description = "How long it may be used, e.g. 1h, 7d. "
          + "Default: ${DEFAULT-VALUE}.") String expiry;
      @Option(names = "--description", defaultValue = "", description = "Free text shown in listings.")
      String description;

      @Override
      public Integer call() {
        return keys.admin.execute(() -> {
          Duration d = duration(expiry);
          String body = AdminApi.JSON.writeValueAsString(new AdminApi.CreateKeyRequest(tenant, role, tags, reusable,
              ephemeral, d.toSeconds(), description));
          String answer = keys.admin.call("POST", "/v1/keys", body);
          if (keys.admin.json) {
            keys.admin.out().println(answer);
            return null;
          }
          CreatedKey k = AdminApi.JSON.readValue(answer, CreatedKey.class);
          keys.admin.out().println(k.key());
          keys.admin.spec.commandLine().getErr().println("ovsgw: pre-auth key " + k.info().id() + " for "
              + k.info().role() + " nodes of tenant " + k.info().tenant() + ", "
              + (k.info().reusable() ? "reusable" : "one-off") + (k.info().ephemeral() ? ", ephemeral" : "")
              + ", expires " + k.info().expiresAt() + "; it is shown only now");
          return null;
        });
      }
    }

    @Command(name = "list", description = "List pre-auth keys (never their secrets).")
    static final class ListKeys implements Callable<Integer> {
      @ParentCommand Keys keys;

      @Override
      public Integer call() {
        return keys.admin.execute(() -> {
          String answer = keys.admin.call("GET", "/v1/keys", null);
          if (keys.admin.json) {
            keys.admin.out().println(answer);
            return null;
          }
          List<KeyView> list = AdminApi.JSON.readValue(answer, new TypeReference<List<KeyView>>() {});
          table(keys.admin.out(), List.of("ID", "TENANT", "ROLE", "TAGS", "KIND", "STATE", "USES", "EXPIRES",
              "DESCRIPTION"), list.stream().map(k -> List.of(k.id(), k.tenant(), k.role(), orDash(String.join(",",
                  k.tags())), (k.reusable() ? "reusable" : "one-off") + (k.ephemeral() ? ",ephemeral" : ""), k.state(),
              String.valueOf(k.useCount()), k.expiresAt(), orDash(k.description()))).toList());
          return null;
        });
      }
    }

    @Command(name = "revoke", description = "Revoke a pre-auth key so it enrolls nothing more.")
    static final class Revoke implements Callable<Integer> {
      @ParentCommand Keys keys;
      @Parameters(paramLabel = "ID", description = "The key's id (from keys list).") String id;
      @Option(names = "--cascade", description = "Also revoke every node enrolled with it.") boolean cascade;

      @Override
      public Integer call() {
        return keys.admin.execute(() -> {
          if (!id.matches("[0-9a-f]{16}")) {
            throw new AdminFailure(ExitCodes.USAGE, "'" + id + "' is not a pre-auth key id; accepted: the 16 hex "
                + "digits shown by keys list");
          }
          String answer = keys.admin.call("POST", "/v1/keys/" + id + "/revoke",
              AdminApi.JSON.writeValueAsString(new AdminApi.RevokeKeyRequest(cascade)));
          keys.admin.out().println(keys.admin.json ? answer : "revoked pre-auth key " + id
              + (cascade ? " and the nodes enrolled with it" : ""));
          return null;
        });
      }
    }
  }

  // ---- nodes ----

  @Command(name = "nodes", description = "Enrolled nodes: list, show, revoke.",
      subcommands = {Nodes.ListNodes.class, Nodes.Show.class, Nodes.Revoke.class})
  static final class Nodes implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand AdminCommand admin;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "List enrolled nodes and relays.")
    static final class ListNodes implements Callable<Integer> {
      @ParentCommand Nodes nodes;

      @Override
      public Integer call() {
        return nodes.admin.execute(() -> {
          String answer = nodes.admin.call("GET", "/v1/nodes", null);
          if (nodes.admin.json) {
            nodes.admin.out().println(answer);
            return null;
          }
          List<NodeView> list = AdminApi.JSON.readValue(answer, new TypeReference<List<NodeView>>() {});
          table(nodes.admin.out(), List.of("ID", "NAME", "TENANT", "ROLE", "IPV4", "STATE", "LAST SEEN"),
              list.stream().map(n -> List.of(String.valueOf(n.id()), n.name(), n.tenant(), n.role(), orDash(n.ipv4()),
                  n.revokedAt() == null ? "active" : "revoked", n.lastSeenAt())).toList());
          return null;
        });
      }
    }

    @Command(name = "show", description = "Everything the coordinator holds about one node.")
    static final class Show implements Callable<Integer> {
      @ParentCommand Nodes nodes;
      @Parameters(paramLabel = "ID") String id;

      @Override
      public Integer call() {
        return nodes.admin.execute(() -> {
          String answer = nodes.admin.call("GET", "/v1/nodes/" + nodeId(id), null);
          if (nodes.admin.json) {
            nodes.admin.out().println(answer);
            return null;
          }
          Map<String, Object> fields = AdminApi.JSON.readValue(answer, new TypeReference<Map<String, Object>>() {});
          fields.forEach((k, v) -> nodes.admin.out().println(k + ": " + orDash(v)));
          return null;
        });
      }
    }

    @Command(name = "revoke", description = "Revoke a node: every peer and relay drops it; it is told and stops.")
    static final class Revoke implements Callable<Integer> {
      @ParentCommand Nodes nodes;
      @Parameters(paramLabel = "ID") String id;
      @Option(names = "--reason", defaultValue = "", description = "Told to the node and kept in the audit log.")
      String reason;

      @Override
      public Integer call() {
        return nodes.admin.execute(() -> {
          String answer = nodes.admin.call("POST", "/v1/nodes/" + nodeId(id) + "/revoke",
              AdminApi.JSON.writeValueAsString(new AdminApi.RevokeNodeRequest(reason)));
          nodes.admin.out().println(nodes.admin.json ? answer : "revoked node " + id);
          return null;
        });
      }
    }
  }

  // ---- policy ----

  @Command(name = "policy", description = "The access policy document: show, set.",
      subcommands = {Policy.Show.class, Policy.Set.class})
  static final class Policy implements Runnable {
    @Spec CommandSpec spec;
    @ParentCommand AdminCommand admin;

    @Override
    public void run() {
      spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "show", description = "Print the policy in force (its version as a comment first).")
    static final class Show implements Callable<Integer> {
      @ParentCommand Policy policy;

      @Override
      public Integer call() {
        return policy.admin.execute(() -> {
          String answer = policy.admin.call("GET", "/v1/policy", null);
          if (policy.admin.json) {
            policy.admin.out().println(answer);
            return null;
          }
          PolicyView p = AdminApi.JSON.readValue(answer, PolicyView.class);
          policy.admin.out().println(p.version() == 0
              ? "# policy version 0: the built-in default (no policy has been set)"
              : "# policy version " + p.version() + ", set " + p.createdAt() + " by " + p.createdBy());
          policy.admin.out().print(p.document().endsWith("\n") ? p.document() : p.document() + "\n");
          return null;
        });
      }
    }

    @Command(name = "set", description = {"Validate and install a policy document (HOCON or JSON).",
        "Nothing changes if it has problems; each is printed on its own line."})
    static final class Set implements Callable<Integer> {
      @ParentCommand Policy policy;
      @Parameters(paramLabel = "FILE", description = "The document, or - for standard input.") String file;

      @Override
      public Integer call() {
        return policy.admin.execute(() -> {
          String doc;
          try {
            doc = file.equals("-") ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                : Files.readString(Path.of(file), StandardCharsets.UTF_8);
          } catch (IOException e) {
            throw new AdminFailure(ExitCodes.USAGE, "cannot read " + file + ": " + e.getMessage());
          }
          String answer = policy.admin.call("PUT", "/v1/policy", doc);
          PolicyView p = AdminApi.JSON.readValue(answer, PolicyView.class);
          policy.admin.out().println(policy.admin.json ? answer : "policy version " + p.version() + " is in force");
          return null;
        });
      }
    }
  }

  // ---- audit ----

  @Command(name = "audit", description = "Print the newest audit events (who, what, when).")
  static final class Audit implements Callable<Integer> {
    @ParentCommand AdminCommand admin;
    @Option(names = "--limit", defaultValue = "50", description = "How many events. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Override
    public Integer call() {
      return admin.execute(() -> {
        String answer = admin.call("GET", "/v1/audit?limit=" + limit, null);
        if (admin.json) {
          admin.out().println(answer);
          return null;
        }
        List<AuditView> events = AdminApi.JSON.readValue(answer, new TypeReference<List<AuditView>>() {});
        table(admin.out(), List.of("WHEN", "WHO", "WHAT", "TARGET", "DETAIL"), events.stream()
            .map(e -> List.of(e.at(), e.actor(), e.action(), e.target(), orDash(e.detail()))).toList());
        return null;
      });
    }
  }

  /** A node id as typed: digits only, so it cannot reshape the request's path. */
  static String nodeId(String id) throws AdminFailure {
    if (!id.matches("[1-9][0-9]{0,18}")) {
      throw new AdminFailure(ExitCodes.USAGE, "'" + id + "' is not a node id; accepted: the number shown by nodes list");
    }
    return id;
  }

  /** "24h", "7d", "90m" as HOCON reads durations. */
  static Duration duration(String text) throws AdminFailure {
    try {
      return ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(text)).getDuration("d");
    } catch (ConfigException e) {
      throw new AdminFailure(ExitCodes.USAGE, "--expiry '" + text + "' is not a duration; accepted: e.g. 30m, 24h, 7d");
    }
  }
}
