package com.oversoc.mesh.node.netlab;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A process the lab started in a host. Its stdout and stderr are files in the lab's log
 * directory, kept after the run for a failed test to point at.
 */
public final class LabProcess {
  /** How long {@link #stop()} waits after SIGTERM before SIGKILL. */
  public static final Duration STOP_GRACE = Duration.ofSeconds(5);
  /** How often {@link #awaitLine} looks at the files again. */
  private static final Duration POLL = Duration.ofMillis(20);
  /** How many trailing lines of each file an error message quotes. */
  private static final int TAIL_LINES = 10;

  private final Host host;
  private final String name;
  private final Process process;
  private final Path stdout;
  private final Path stderr;
  private volatile List<ProcessHandle> terminated = List.of();

  LabProcess(Host host, String name, Process process, Path stdout, Path stderr) {
    this.host = host;
    this.name = name;
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public String name() {
    return name;
  }

  public Host host() {
    return host;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public Path stdoutFile() {
    return stdout;
  }

  public Path stderrFile() {
    return stderr;
  }

  /** What it has printed on stdout so far. */
  public String stdout() {
    return read(stdout);
  }

  /** What it has printed on stderr so far. */
  public String stderr() {
    return read(stderr);
  }

  /**
   * Waits for the first line, on stdout or stderr, in which this regular expression is found, and
   * returns the match (for its groups). Fails at once if the process exits without printing one,
   * else after the timeout, with a {@link LineNotSeenException} that quotes the last lines.
   */
  public MatchResult awaitLine(String regex, Duration timeout) {
    return follow().await(regex, timeout);
  }

  /**
   * Reads what it printed from its start on: each {@link Follower#await} looks only at the lines
   * after the previous match, so a test can wait for the second time something happens.
   */
  public Follower follow() {
    return new Follower();
  }

  /** Where a reader of this process's output has got to, on stdout and on stderr. */
  public final class Follower {
    private final LineScanner out = new LineScanner(stdout);
    private final LineScanner err = new LineScanner(stderr);

    private Follower() {
    }

    /** As {@link LabProcess#awaitLine}, from where the previous await of this follower stopped. */
    public MatchResult await(String regex, Duration timeout) {
      Pattern pattern = Pattern.compile(regex);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (true) {
        // Looked at before reading: whatever a process printed before it exited is in the files.
        boolean exited = !process.isAlive();
        Optional<MatchResult> match = out.find(pattern, exited).or(() -> err.find(pattern, exited));
        if (match.isPresent()) {
          return match.get();
        }
        if (exited) {
          throw notSeen(pattern, "it exited with code " + process.exitValue() + " first");
        }
        if (System.nanoTime() - deadline > 0) {
          throw notSeen(pattern, "none within " + timeout + "; it is still running");
        }
        sleep(POLL);
      }
    }
  }

  /** Waits at most {@code timeout} for it to exit on its own; its exit code, or empty if it still runs. */
  public Optional<Integer> awaitExit(Duration timeout) {
    try {
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS) ? Optional.of(process.exitValue())
          : Optional.empty();
    } catch (InterruptedException e) {
      throw NetLabException.interrupted("waiting for " + this + " to exit");
    }
  }

  /** SIGTERM to it and everything it started, SIGKILL after {@link #STOP_GRACE}; returns its exit code. */
  public int stop() {
    return stop(STOP_GRACE);
  }

  /** SIGKILL to it and everything it started, as a crash or a power cut would end it; returns its exit code. */
  public int kill() {
    terminated = tree();
    terminated.forEach(ProcessHandle::destroyForcibly);
    return awaitOrKill(System.nanoTime() + STOP_GRACE.toNanos());
  }

  public int stop(Duration grace) {
    terminate();
    return awaitOrKill(System.nanoTime() + grace.toNanos());
  }

  /** Sends SIGTERM to it and everything it started, without waiting; the lab stops all its processes this way at once. */
  void terminate() {
    // Kept: once it has exited, what it started is no longer listed among its descendants.
    terminated = tree();
    terminated.forEach(ProcessHandle::destroy);
  }

  /** Waits until the deadline (System.nanoTime) for it to exit, then SIGKILLs what is left; returns its exit code. */
  int awaitOrKill(long deadlineNanos) {
    try {
      long left = Math.max(0, deadlineNanos - System.nanoTime());
      if (!process.waitFor(left, TimeUnit.NANOSECONDS)) {
        process.destroyForcibly();
        process.waitFor();
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      throw NetLabException.interrupted("stopping " + this);
    }
    terminated.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    return process.exitValue();
  }

  private List<ProcessHandle> tree() {
    return Stream.concat(Stream.of(process.toHandle()), process.descendants()).toList();
  }

  private LineNotSeenException notSeen(Pattern pattern, String why) {
    return new LineNotSeenException(this + " printed no line matching /" + pattern + "/: " + why + ".\n"
        + tail(stdout) + "\n" + tail(stderr));
  }

  private static String tail(Path file) {
    List<String> lines = read(file).lines().toList();
    List<String> last = lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size());
    return "last " + last.size() + " of " + lines.size() + " lines of " + file + ":"
        + (last.isEmpty() ? " (empty)" : "\n  " + String.join("\n  ", last));
  }

  private static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new NetLabException("cannot read " + file, e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      throw NetLabException.interrupted("waiting for a line");
    }
  }

  @Override
  public String toString() {
    return "process " + name + " (pid " + process.pid() + ") on host " + host.name();
  }

  /**
   * Reads the lines a file gains, from where it left off; a last line without newline counts once
   * the writer is gone. Lines read past a match wait for the next {@link #find}.
   */
  private static final class LineScanner {
    private final Path file;
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final ArrayDeque<String> unread = new ArrayDeque<>();
    private long offset;

    LineScanner(Path file) {
      this.file = file;
    }

    Optional<MatchResult> find(Pattern pattern, boolean writerGone) {
      try (SeekableByteChannel channel = Files.newByteChannel(file)) {
        channel.position(offset);
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = channel.read(buffer.clear())) > 0) {
          offset += n;
          for (int i = 0; i < n; i++) {
            byte b = buffer.get(i);
            if (b == '\n') {
              unread.add(partial.toString(StandardCharsets.UTF_8));
              partial.reset();
            } else {
              partial.write(b);
            }
          }
        }
      } catch (IOException e) {
        throw new NetLabException("cannot read " + file, e);
      }
      if (writerGone && partial.size() > 0) {
        unread.add(partial.toString(StandardCharsets.UTF_8));
        partial.reset();
      }
      while (!unread.isEmpty()) {
        Matcher m = pattern.matcher(unread.removeFirst());
        if (m.find()) {
          return Optional.of(m.toMatchResult());
        }
      }
      return Optional.empty();
    }
  }
}
