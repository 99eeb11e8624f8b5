package org.bdx.node.console;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import org.bdx.node.access.Principal;
import org.bdx.node.console.Sessions.Session;
import org.bdx.node.home.NodeConfig;
import org.bdx.node.search.PhoneNumbers;
import org.bdx.proto.v1.AdminServiceGrpc;
import org.bdx.proto.v1.ClientServiceGrpc;
import org.bdx.proto.v1.DistributionServiceGrpc;
import org.bdx.proto.v1.StaffRole;

/**
 * The staff console: web pages for intake and outreach staff, served by the node itself on
 * loopback, or beyond it only over TLS with the operator's certificate. It is local behaviour, not
 * protocol: every page calls the node's client API in-process as the logged-in person, through the
 * same credential check, role rules, rate limit, audit actor and validation as a gRPC client, so
 * the console decides no rule of its own.
 *
 * <p>Served with the JDK's own HTTP server and pages written as Java text blocks: a loopback
 * console of a few pages needs no web framework, and every library the node loads is one more to
 * keep patched on a machine holding reports.
 *
 * <p>Guards, on every request: the Host header must name this loopback address (so a web page
 * elsewhere cannot reach it by pointing a domain name at 127.0.0.1); a strict Content-Security-
 * Policy (no script at all, styles only from here, no framing); the session cookie is {@code
 * HttpOnly} and {@code SameSite=Strict}; every POST carries the session's CSRF token and is refused
 * when the browser says it came from another origin; a session unused for the idle time ends.
 *
 * <p>Long because every request's guards (host, origin, token, session, cookies, TLS) and its
 * routing stay in this one file, where a reviewer reads them together.
 */
public final class ConsoleServer implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ConsoleServer.class.getName());

  /** Where the console listens unless told otherwise. */
  public static final NodeConfig.HostPort DEFAULT_ADDRESS =
      new NodeConfig.HostPort("127.0.0.1", 7402);

  /** How long a session may go unused before it ends. */
  public static final Duration DEFAULT_IDLE = Duration.ofMinutes(15);

  static final String COOKIE = "bdx_console";
  static final String CSP =
      "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self';"
          + " frame-ancestors 'none'; base-uri 'none'";
  private static final int MAX_BODY_BYTES = 64 * 1024;
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final HttpServer http;
  private final ExecutorService executor;
  private final Channel clientApi;
  private final Function<String, Optional<Principal>> accounts;
  private final Sessions sessions;
  private final Pages pages;
  private final AlertActions actions;
  private final boolean tls;
  private final NetworkPages network = new NetworkPages();
  private final BulletinPages bulletins;

  private ConsoleServer(
      HttpServer http,
      ExecutorService executor,
      Channel clientApi,
      Function<String, Optional<Principal>> accounts,
      Sessions sessions,
      PhoneNumbers phones,
      Clock clock,
      boolean tls) {
    this.http = http;
    this.executor = executor;
    this.clientApi = clientApi;
    this.accounts = accounts;
    this.sessions = sessions;
    this.pages = new Pages(phones);
    this.actions = new AlertActions(pages);
    this.bulletins = new BulletinPages(clock);
    this.tls = tls;
  }

  /**
   * Starts the console on {@code at}, in plain HTTP: loopback only.
   *
   * @param clientApi an in-process channel to the node's client services (with their guards)
   * @param accounts the staff accounts' credential check
   * @throws NotLoopback if {@code at} is not a loopback address
   * @throws BindException if the address is taken
   */
  public static ConsoleServer start(
      NodeConfig.HostPort at,
      Channel clientApi,
      Function<String, Optional<Principal>> accounts,
      PhoneNumbers phones,
      Clock clock,
      Duration idle)
      throws IOException {
    return start(at, clientApi, accounts, phones, clock, idle, null);
  }

  /**
   * Starts the console on {@code at}, over TLS with {@code tls} when given: the same rule as the
   * client API (spec API-2), so beyond loopback reports, searches and credentials never cross the
   * network in clear.
   *
   * @param tls the operator's certificate and key ({@link ConsoleTls}), or null for plain HTTP
   * @throws NotLoopback if {@code at} is not a loopback address and {@code tls} is null
   * @throws BindException if the address is taken
   */
  public static ConsoleServer start(
      NodeConfig.HostPort at,
      Channel clientApi,
      Function<String, Optional<Principal>> accounts,
      PhoneNumbers phones,
      Clock clock,
      Duration idle,
      SSLContext tls)
      throws IOException {
    Objects.requireNonNull(clientApi, "clientApi");
    Objects.requireNonNull(accounts, "accounts");
    Objects.requireNonNull(phones, "phones");
    if (!at.isLoopback() && tls == null) {
      throw new NotLoopback(at);
    }
    HttpServer http;
    if (tls == null) {
      http = HttpServer.create(at.toSocketAddress(), 0);
    } else {
      HttpsServer https = HttpsServer.create(at.toSocketAddress(), 0);
      https.setHttpsConfigurator(new HttpsConfigurator(tls));
      http = https;
    }
    ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    http.setExecutor(executor);
    ConsoleServer c =
        new ConsoleServer(
            http,
            executor,
            clientApi,
            accounts,
            new Sessions(clock, idle),
            phones,
            clock,
            tls != null);
    http.createContext("/", c::handle);
    http.start();
    return c;
  }

  public int port() {
    return http.getAddress().getPort();
  }

  @Override
  public void close() {
    http.stop(1);
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void handle(HttpExchange ex) throws IOException {
    ConsoleWords w = ConsoleWords.english();
    try (ex) {
      securityHeaders(ex, tls);
      w = ConsoleLanguage.of(ex);
      if (!hostIsThisConsole(ex)) {
        send(ex, 421, "text/plain", w.word("error.host"));
        return;
      }
      String method = ex.getRequestMethod();
      String path = ex.getRequestURI().getPath();
      if (method.equals("GET") && path.equals("/console.css")) {
        send(ex, 200, "text/css", Pages.css());
        return;
      }
      Optional<Session> found = sessions.find(cookie(ex, COOKIE));
      if (found.isPresent()) {
        found.get().words = w;
        found.get().back = ConsoleLanguage.backTo(method, path, query(ex));
      }
      if (method.equals("POST")) {
        post(ex, path, found);
      } else if (method.equals("GET") || method.equals("HEAD")) {
        get(ex, path, found);
      } else {
        ex.getResponseHeaders().set("Allow", "GET, POST");
        send(ex, 405, "text/plain", w.word("error.method"));
      }
    } catch (RuntimeException e) {
      // Never the exception's message: it may hold what was typed.
      LOG.log(Level.WARNING, "console request failed: {0}", e.getClass().getName());
      send(
          ex,
          500,
          "text/html",
          Html.page(w, w.word("error.title"), null, null, null, Pages.sorry(w)));
    }
  }

  private void get(HttpExchange ex, String path, Optional<Session> found) throws IOException {
    if (path.equals("/login")) {
      Session s = found.orElseGet(sessions::anonymous);
      s.words = ConsoleLanguage.of(ex);
      s.back = "/login";
      setCookie(ex, s);
      String note = "expired".equals(query(ex)) ? "login.expired" : null;
      send(ex, 200, "text/html", pages.login(s, note, null));
      return;
    }
    if (found.isEmpty() || !found.get().loggedIn()) {
      redirect(ex, "/login");
      return;
    }
    Session s = found.get();
    if (path.equals("/")) {
      redirect(ex, "/check");
    } else if (path.equals("/report")) {
      send(ex, 200, "text/html", pages.reportPage(s, query(ex)));
    } else if (path.equals("/check")) {
      send(ex, 200, "text/html", pages.check(s, "", SearchFilters.none(s.words), null));
    } else if (path.startsWith("/alert/")) {
      call(ex, s, stub -> pages.alert(s, stub, path.substring("/alert/".length()), query(ex)));
    } else if (between(path, "/report/", "/purge") != null) {
      String id = between(path, "/report/", "/purge");
      call(ex, s, stub -> actions.confirmPurge(s, stub, id, query(ex)));
    } else if (path.equals("/network")) {
      callApis(ex, s, api -> network.page(s, api, query(ex)));
    } else if (path.equals("/bulletin")) {
      // The one page that frames another: its own preview, from here only.
      ex.getResponseHeaders().set("Content-Security-Policy", BulletinPages.FRAMING_CSP);
      callApis(ex, s, api -> bulletins.page(s, api, query(ex)));
    } else if (path.equals("/bulletin/view")) {
      // The bulletin alone, as the node made it: its own inline styles, framed only from here.
      ex.getResponseHeaders().set("Content-Security-Policy", BulletinPages.BULLETIN_CSP);
      ex.getResponseHeaders().set("X-Frame-Options", "SAMEORIGIN");
      callApis(ex, s, api -> bulletins.view(api, query(ex)));
    } else {
      send(
          ex,
          404,
          "text/html",
          Html.page(s, s.words.word("notFound.title"), Pages.notFound(s.words)));
    }
  }

  private void post(HttpExchange ex, String path, Optional<Session> found) throws IOException {
    ConsoleWords w = ConsoleLanguage.of(ex);
    if (!sameOrigin(ex)) {
      send(ex, 403, "text/plain", w.word("refused.origin"));
      return;
    }
    Form form = body(ex);
    if (form == null) {
      send(ex, 413, "text/plain", w.word("error.tooLarge"));
      return;
    }
    if (found.isEmpty()) {
      // Idle too long (or the node restarted): log in again; nothing of the form is kept.
      redirect(ex, "/login?expired");
      return;
    }
    Session s = found.get();
    if (!s.csrfMatches(form.get("csrf"))) {
      send(ex, 403, "text/plain", w.word("refused.csrf"));
      return;
    }
    if (path.equals("/language")) {
      ConsoleLanguage.choose(ex, form, tls);
      redirect(ex, ConsoleLanguage.safeBack(form.get("back")));
      return;
    }
    if (path.equals("/login")) {
      login(ex, s, form);
      return;
    }
    if (!s.loggedIn()) {
      redirect(ex, "/login");
      return;
    }
    switch (path) {
      case "/logout" -> {
        sessions.end(s);
        ex.getResponseHeaders()
            .add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
        redirect(ex, "/login");
      }
      case "/report" -> call(ex, s, stub -> pages.submitReport(s, stub, form));
      case "/report/draft" -> call(ex, s, stub -> pages.saveDraft(s, form));
      case "/report/discard" -> call(ex, s, stub -> pages.discardDraft(s));
      case "/check" -> call(ex, s, stub -> pages.search(s, stub, form));
      default -> {
        if (path.startsWith("/report/") && path.endsWith("/consent")) {
          String id = path.substring("/report/".length(), path.length() - "/consent".length());
          call(ex, s, stub -> pages.consent(s, stub, id, form));
        } else if (between(path, "/alert/", "/update") != null) {
          String id = between(path, "/alert/", "/update");
          call(ex, s, stub -> actions.update(s, stub, id, form));
        } else if (between(path, "/report/", "/purge") != null) {
          String id = between(path, "/report/", "/purge");
          call(ex, s, stub -> actions.purge(s, stub, id, form));
        } else if (path.startsWith("/alert/") && path.endsWith("/retract")) {
          String id = path.substring("/alert/".length(), path.length() - "/retract".length());
          call(ex, s, stub -> pages.retract(s, stub, id, form));
        } else if (NetworkPages.isAgreementAction(path)) {
          callApis(ex, s, api -> network.act(s, api, path));
        } else if (path.equals("/bulletin/send")) {
          callApis(ex, s, api -> bulletins.send(s, api, form));
        } else {
          send(
              ex,
              404,
              "text/html",
              Html.page(s, s.words.word("notFound.title"), Pages.notFound(s.words)));
        }
      }
    }
  }

  /** The one path segment between {@code prefix} and {@code suffix}, or null if none. */
  static String between(String path, String prefix, String suffix) {
    if (!path.startsWith(prefix) || !path.endsWith(suffix)) {
      return null;
    }
    if (path.length() <= prefix.length() + suffix.length()) {
      return null;
    }
    String id = path.substring(prefix.length(), path.length() - suffix.length());
    return id.contains("/") ? null : id;
  }

  private void login(HttpExchange ex, Session s, Form form) throws IOException {
    String credential = form.get("credential");
    Optional<Principal> who = accounts.apply(credential);
    if (who.isEmpty()) {
      s.back = "/login";
      send(ex, 401, "text/html", pages.login(s, null, "login.wrong"));
      return;
    }
    Session fresh = sessions.login(s, who.get(), credential);
    setCookie(ex, fresh);
    redirect(ex, who.get().mayAct(StaffRole.STAFF_ROLE_INTAKE) ? "/report" : "/check");
  }

  /** What a page answers: a status and its HTML, or a redirect. */
  record Answer(int status, String html, String location) {
    static Answer page(String html) {
      return new Answer(200, html, null);
    }

    static Answer page(int status, String html) {
      return new Answer(status, html, null);
    }

    static Answer redirect(String location) {
      return new Answer(303, null, location);
    }
  }

  /** A page that calls the client API as the session's person. */
  interface ApiPage {
    Answer answer(ClientServiceGrpc.ClientServiceBlockingStub stub);
  }

  /** A page that calls any of the node's local APIs as the session's person. */
  interface ApisPage {
    Answer answer(Apis api);
  }

  /**
   * The node's local APIs as one logged-in person: each stub carries that person's credential, so
   * the node's own credential check and role rules decide every call, as for a gRPC client.
   */
  static final class Apis {
    private final Channel channel;
    private final Metadata credential;

    Apis(Channel channel, String credential) {
      this.channel = channel;
      this.credential = new Metadata();
      this.credential.put(AUTHORIZATION, "Bearer " + credential);
    }

    ClientServiceGrpc.ClientServiceBlockingStub client() {
      return as(ClientServiceGrpc.newBlockingStub(channel));
    }

    AdminServiceGrpc.AdminServiceBlockingStub admin() {
      return as(AdminServiceGrpc.newBlockingStub(channel));
    }

    DistributionServiceGrpc.DistributionServiceBlockingStub distribution() {
      return as(DistributionServiceGrpc.newBlockingStub(channel));
    }

    private <S extends io.grpc.stub.AbstractStub<S>> S as(S stub) {
      return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credential))
          .withDeadlineAfter(30, TimeUnit.SECONDS);
    }
  }

  private void call(HttpExchange ex, Session s, ApiPage page) throws IOException {
    callApis(ex, s, api -> page.answer(api.client()));
  }

  private void callApis(HttpExchange ex, Session s, ApisPage page) throws IOException {
    Answer a;
    try {
      a = page.answer(new Apis(clientApi, s.credential));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAUTHENTICATED) {
        // The account was revoked while logged in: the session ends with it.
        sessions.end(s);
        redirect(ex, "/login");
        return;
      }
      a =
          Answer.page(
              httpStatus(e),
              Html.page(s, s.words.word("notDone.title"), Pages.refused(s.words, e)));
    }
    if (a.location() != null) {
      redirect(ex, a.location());
    } else {
      send(ex, a.status(), "text/html", a.html());
    }
  }

  private static int httpStatus(StatusRuntimeException e) {
    return switch (e.getStatus().getCode()) {
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case INVALID_ARGUMENT, FAILED_PRECONDITION -> 400;
      case RESOURCE_EXHAUSTED -> 429;
      default -> 500;
    };
  }

  /** The node's field violations of an INVALID_ARGUMENT answer, if it named fields. */
  static List<com.google.rpc.BadRequest.FieldViolation> violations(StatusRuntimeException e) {
    com.google.rpc.Status st = StatusProto.fromThrowable(e);
    if (st == null) {
      return List.of();
    }
    for (com.google.protobuf.Any d : st.getDetailsList()) {
      if (d.is(com.google.rpc.BadRequest.class)) {
        try {
          return d.unpack(com.google.rpc.BadRequest.class).getFieldViolationsList();
        } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
          return List.of();
        }
      }
    }
    return List.of();
  }

  private static void securityHeaders(HttpExchange ex, boolean tls) {
    var h = ex.getResponseHeaders();
    if (tls) {
      // A browser that has reached the console over TLS once never falls back to plain HTTP for
      // it, where a session cookie or a search could be read on the network. No includeSubDomains:
      // the console does not speak for other names under its host.
      h.set("Strict-Transport-Security", "max-age=31536000");
    }
    h.set("Content-Security-Policy", CSP);
    h.set("X-Content-Type-Options", "nosniff");
    h.set("X-Frame-Options", "DENY");
    // Not no-referrer: with it, browsers send "Origin: null" on the console's own forms, and
    // the origin check would refuse them. same-origin still tells no other site anything.
    h.set("Referrer-Policy", "same-origin");
    // Searches and reports must not stay in the browser's cache on a shared machine.
    h.set("Cache-Control", "no-store");
    h.set("Cross-Origin-Opener-Policy", "same-origin");
    h.set("Cross-Origin-Resource-Policy", "same-origin");
  }

  /**
   * Whether the Host header names a loopback host on this port. A page on another site that points
   * its own domain name at 127.0.0.1 sends that name, and is refused.
   */
  private boolean hostIsThisConsole(HttpExchange ex) {
    String host = ex.getRequestHeaders().getFirst("Host");
    if (host == null) {
      return false;
    }
    if (tls) {
      // Over TLS a page that points its own name at this console fails the certificate check
      // before anything is sent; the name staff use (and any port a proxy adds) is the operator's.
      return true;
    }
    int colon = host.lastIndexOf(':');
    if (colon <= 0 || host.endsWith("]")) {
      return false;
    }
    String name = host.substring(0, colon);
    if (name.startsWith("[") && name.endsWith("]")) {
      name = name.substring(1, name.length() - 1);
    }
    try {
      return Integer.parseInt(host.substring(colon + 1)) == port()
          && new NodeConfig.HostPort(name, port()).isLoopback();
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Whether the browser says the POST came from this console: an Origin header, when sent, must be
   * this console's; a Sec-Fetch-Site header, when sent, must say same-origin. The CSRF token is
   * checked as well; these refuse a cross-site form before its body is read.
   */
  private boolean sameOrigin(HttpExchange ex) {
    String origin = ex.getRequestHeaders().getFirst("Origin");
    String host = ex.getRequestHeaders().getFirst("Host");
    if (origin != null && !origin.equals((tls ? "https://" : "http://") + host)) {
      return false;
    }
    String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
    return site == null || site.equals("same-origin");
  }

  private static Form body(HttpExchange ex) throws IOException {
    try (InputStream in = ex.getRequestBody()) {
      byte[] b = in.readNBytes(MAX_BODY_BYTES + 1);
      if (b.length > MAX_BODY_BYTES) {
        return null;
      }
      return Form.parse(new String(b, StandardCharsets.UTF_8));
    }
  }

  static String cookie(HttpExchange ex, String name) {
    List<String> headers = ex.getRequestHeaders().get("Cookie");
    if (headers == null) {
      return null;
    }
    for (String h : headers) {
      for (String part : h.split(";")) {
        String p = part.strip();
        if (p.startsWith(name + "=")) {
          return p.substring(name.length() + 1);
        }
      }
    }
    return null;
  }

  private void setCookie(HttpExchange ex, Session s) {
    // Secure over TLS; in plain HTTP on loopback browsers would not keep a Secure cookie.
    ex.getResponseHeaders()
        .add(
            "Set-Cookie",
            COOKIE + "=" + s.id + "; Path=/; HttpOnly; SameSite=Strict" + (tls ? "; Secure" : ""));
  }

  private static String query(HttpExchange ex) {
    URI u = ex.getRequestURI();
    return u.getRawQuery() == null ? "" : u.getRawQuery();
  }

  private static void redirect(HttpExchange ex, String location) throws IOException {
    ex.getResponseHeaders().set("Location", location);
    ex.sendResponseHeaders(303, -1);
  }

  private static void send(HttpExchange ex, int status, String type, String body)
      throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = ex.getRequestMethod().equals("HEAD");
    ex.sendResponseHeaders(status, head ? -1 : b.length);
    if (!head) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  /** The console would be reachable from other machines in plain HTTP. */
  public static final class NotLoopback extends IOException {
    public NotLoopback(NodeConfig.HostPort address) {
      super(
          "refusing to serve the console on "
              + address
              + " without TLS: other machines could read reports, searches and staff"
              + " credentials on the way. Listen on 127.0.0.1 (the default, "
              + DEFAULT_ADDRESS.host()
              + ":"
              + DEFAULT_ADDRESS.port()
              + ") and reach it from this machine, or give the console a certificate and key"
              + " (--console-tls-cert and --console-tls-key).");
    }
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
