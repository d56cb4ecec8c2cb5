package com.oversoc.mesh.actors.channel;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * The optional TLS around the secure channel, for relays and coordinators, and for the nodes
 * that dial them: a server context from the PEM files an ACME client such as certbot writes (a
 * certificate chain, and an unencrypted PKCS#8 private key, EC or RSA), and a client context that
 * trusts the JVM's CA bundle or exactly the certificates of a PEM file. TLS only gets a
 * connection through networks that let nothing but TLS out on 443; the secure channel inside it
 * is what authenticates both ends and protects the traffic.
 */
public final class TlsContexts {
  private static final Pattern PRIVATE_KEY =
      Pattern.compile("-----BEGIN PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END PRIVATE KEY-----");
  private static final char[] NO_PASSWORD = new char[0];
  private static final String[] KEY_ALGORITHMS = {"EC", "RSA", "Ed25519"};

  private TlsContexts() {}

  /** Why the certificate or key cannot be used; the message names the file. */
  public static final class TlsConfigException extends IOException {
    private static final long serialVersionUID = 1L;

    public TlsConfigException(String message) {
      super(message);
    }
  }

  /**
   * A TLS server context from {@code certificateChain} (PEM, leaf first) and {@code privateKey}
   * (PEM, "BEGIN PRIVATE KEY").
   */
  public static SSLContext serverContext(Path certificateChain, Path privateKey) throws IOException {
    List<Certificate> chain = readCertificates(certificateChain);
    PrivateKey key = readPrivateKey(privateKey);
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("server", key, NO_PASSWORD, chain.toArray(Certificate[]::new));
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, NO_PASSWORD);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(kmf.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("the key in " + privateKey + " does not fit the certificate in "
          + certificateChain + ": " + e.getMessage());
    }
  }

  /**
   * A TLS client context: the JVM's default (its CA bundle) without {@code trusted}, else one
   * that trusts exactly the certificates in that PEM file (a private CA, or the server's own
   * self-signed certificate). Host names are verified by the dialer either way.
   */
  public static SSLContext clientContext(java.util.Optional<Path> trusted) throws IOException {
    try {
      if (trusted.isEmpty()) {
        return SSLContext.getDefault();
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      int i = 0;
      for (Certificate c : readCertificates(trusted.get())) {
        store.setCertificateEntry("trusted-" + i++, c);
      }
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new TlsConfigException("cannot trust the certificates in " + trusted.orElse(null) + ": " + e.getMessage());
    }
  }

  /** A server-side engine of {@code context}, for a TLS listener (Pekko's {@code bindWithTls}). */
  public static javax.net.ssl.SSLEngine serverEngine(SSLContext context) {
    javax.net.ssl.SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    return engine;
  }

  static List<Certificate> readCertificates(Path file) throws IOException {
    try {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
          .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file)));
      if (certs.isEmpty()) {
        throw new TlsConfigException(file + " holds no certificate; expected PEM, BEGIN CERTIFICATE");
      }
      return List.copyOf(certs);
    } catch (java.security.cert.CertificateException e) {
      throw new TlsConfigException(file + " is not a PEM certificate chain: " + e.getMessage());
    }
  }

  static PrivateKey readPrivateKey(Path file) throws IOException {
    Matcher m = PRIVATE_KEY.matcher(Files.readString(file, StandardCharsets.US_ASCII));
    if (!m.find()) {
      throw new TlsConfigException(file + " holds no unencrypted PKCS#8 key; expected PEM, BEGIN PRIVATE KEY "
          + "(convert with: openssl pkcs8 -topk8 -nocrypt -in old.pem -out key.pem)");
    }
    byte[] der = Base64.getMimeDecoder().decode(m.group(1));
    try {
      PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
      for (String algorithm : KEY_ALGORITHMS) {
        try {
          return KeyFactory.getInstance(algorithm).generatePrivate(spec);
        } catch (GeneralSecurityException tryNext) {
          // not this algorithm
        }
      }
      throw new TlsConfigException(file + " holds a key of an unsupported type; accepted: EC, RSA, Ed25519");
    } finally {
      Arrays.fill(der, (byte) 0);
    }
  }
}
