package com.oversoc.mesh.node.netlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs commands to completion with a time limit and keeps their output. Every command is
 * appended to the run's command log, so a failed test shows exactly what the lab did.
 */
final class Commands {
  /** Setup commands (ip, tc, iptables) finish in milliseconds; this only catches a hang. */
  static final Duration SETUP_TIMEOUT = Duration.ofSeconds(20);
  /** How long to wait for a command's output to close after the command exited. */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(2);

  /** Arguments that need no quotes in a shell. */
  private static final Pattern SAFE_WORD = Pattern.compile("[A-Za-z0-9_./:,=@%+-]+");

  private final Path log;

  Commands(Path log) {
    this.log = log;
  }

  /** Runs a setup command and throws unless it exits 0. */
  ExecResult require(List<String> command) {
    return exec(command, "", SETUP_TIMEOUT).orThrow();
  }

  /** Runs a setup command with this standard input and throws unless it exits 0. */
  ExecResult require(List<String> command, String input) {
    return exec(command, input, SETUP_TIMEOUT).orThrow();
  }

  /**
   * Runs a command with this standard input; kills it (and what it started) if it takes longer
   * than the timeout.
   */
  ExecResult exec(List<String> command, String input, Duration timeout) {
    long start = System.nanoTime();
    Process process;
    try {
      process = new ProcessBuilder(command).start();
    } catch (IOException e) {
      record(command, input, "could not start: " + e.getMessage(), start);
      throw new CommandFailedException(command, "could not start: " + e.getMessage(), e);
    }
    Drain out = new Drain(process.getInputStream());
    Drain err = new Drain(process.getErrorStream());
    try {
      try (OutputStream stdin = process.getOutputStream()) {
        stdin.write(input.getBytes(StandardCharsets.UTF_8));
      } catch (IOException e) {
        // The command exited without reading its input; its exit code tells the rest.
      }
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        record(command, input, "killed after " + timeout, start);
        throw new CommandFailedException(command, "did not finish within " + timeout + " and was killed; it printed: "
            + (err.text().strip() + "\n" + out.text().strip()).strip(), null);
      }
      ExecResult result = new ExecResult(command, process.exitValue(), out.text(), err.text());
      record(command, input, "exit " + result.exitCode(), start);
      return result;
    } catch (InterruptedException e) {
      process.destroyForcibly();
      throw NetLabException.interrupted("running " + String.join(" ", command));
    }
  }

  /** Appends a line to the command log; it is the only file this class writes. */
  void note(String line) {
    try {
      Files.writeString(log, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new NetLabException("cannot write the lab's command log " + log, e);
    }
  }

  /** One line per command; its input, if any, indented below it. */
  private void record(List<String> command, String input, String outcome, long startNanos) {
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    String line = String.format(Locale.ROOT, "%-8s %6.3fs  %s", outcome, seconds, quoted(command));
    note(input.isEmpty() ? line : line + "\n    " + input.strip().replace("\n", "\n    "));
  }

  /** The command as a shell would take it, so that a logged line can be pasted to run it again. */
  static String quoted(List<String> command) {
    StringBuilder line = new StringBuilder();
    for (String arg : command) {
      if (!line.isEmpty()) {
        line.append(' ');
      }
      line.append(SAFE_WORD.matcher(arg).matches() ? arg : "'" + arg.replace("'", "'\\''") + "'");
    }
    return line.toString();
  }

  /** Copies one output stream of a command into memory on a thread of its own, so neither pipe fills. */
  private static final class Drain {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final Thread thread;

    Drain(InputStream in) {
      thread = Thread.ofVirtual().start(() -> {
        byte[] buffer = new byte[8192];
        try (in) {
          int n;
          while ((n = in.read(buffer)) >= 0) {
            synchronized (bytes) {
              bytes.write(buffer, 0, n);
            }
          }
        } catch (IOException e) {
          // The pipe closed under us: what arrived so far is the output.
        }
      });
    }

    /** The output so far, after giving the stream a moment to reach its end. */
    String text() throws InterruptedException {
      thread.join(OUTPUT_DRAIN);
      synchronized (bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
      }
    }
  }
}
