package io.pgjcache.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Forwards TCP connections to a server until {@linkplain #cut() cut}: then every connection is closed and new
 * ones are closed as soon as they are accepted, like a network path that is down, until {@link #restore()}.
 */
public final class CuttableProxy implements AutoCloseable {
  private final ServerSocket server;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private volatile boolean cut;

  public CuttableProxy(String targetHost, int targetPort) throws IOException {
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    start(this::acceptLoop, "cuttable-proxy-accept");
  }

  public String host() {
    return server.getInetAddress().getHostAddress();
  }

  public int port() {
    return server.getLocalPort();
  }

  /** Closes every forwarded connection and refuses new ones. */
  public void cut() {
    cut = true;
    closeAll();
  }

  public void restore() {
    cut = false;
  }

  @Override
  public void close() throws IOException {
    cut = true;
    server.close();
    closeAll();
  }

  private void acceptLoop() {
    try {
      while (true) {
        Socket client = server.accept();
        if (cut) {
          client.close();
          continue;
        }
        Socket upstream;
        try {
          upstream = new Socket(targetHost, targetPort);
        } catch (IOException e) {
          client.close();
          continue;
        }
        sockets.add(client);
        sockets.add(upstream);
        if (cut) {
          // cut while this connection was being set up
          closeAll();
          continue;
        }
        start(() -> pump(client, upstream), "cuttable-proxy-up");
        start(() -> pump(upstream, client), "cuttable-proxy-down");
      }
    } catch (IOException e) {
      // the server socket was closed
    }
  }

  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
        out.write(buffer, 0, read);
        out.flush();
      }
    } catch (IOException e) {
      // one side was closed
    } finally {
      closeQuietly(from);
      closeQuietly(to);
      sockets.remove(from);
      sockets.remove(to);
    }
  }

  private void closeAll() {
    for (Socket socket : sockets) {
      closeQuietly(socket);
    }
    sockets.clear();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  private static void start(Runnable task, String name) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    thread.start();
  }
}
