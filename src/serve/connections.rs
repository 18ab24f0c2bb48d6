//! The preview's connections: at most [`MOST_CONNECTIONS`] open at once,
//! and each closed after [`IDLE`] without a byte either way.
//!
//! Without these, connections that send nothing (or half a request) stayed
//! open for good: a few hundred of them used up the process's open files
//! (256 by default on macOS), and the preview stopped answering and its
//! rebuilds failed ("cannot read site.toml: Too many open files"); with
//! `--bind 0.0.0.0`, anyone on the network could do it. A browser opens
//! about six connections to a host, and one more for each tab's live
//! reload, which the server keeps busy with a comment every 15 seconds.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::{Instant, Sleep};

/// Connections served at once; one more is closed as soon as it opens.
pub const MOST_CONNECTIONS: usize = 128;

/// How long a connection may go without reading or writing a byte.
pub const IDLE: Duration = Duration::from_secs(60);

/// A listener that keeps to the limits above.
pub struct Limited {
    listener: TcpListener,
    permits: Arc<Semaphore>,
    idle: Duration,
}

impl Limited {
    pub fn new(listener: TcpListener) -> Self {
        Self::with_limits(listener, MOST_CONNECTIONS, IDLE)
    }

    fn with_limits(listener: TcpListener, most: usize, idle: Duration) -> Self {
        Limited {
            listener,
            permits: Arc::new(Semaphore::new(most)),
            idle,
        }
    }
}

impl axum::serve::Listener for Limited {
    type Io = Connection;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Connection, SocketAddr) {
        loop {
            // axum's own accept waits and retries after an error.
            let (stream, address) = axum::serve::Listener::accept(&mut self.listener).await;
            match self.permits.clone().try_acquire_owned() {
                Ok(permit) => return (Connection::new(stream, permit, self.idle), address),
                // Closed at once: its file is given back.
                Err(_) => drop(stream),
            }
        }
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// An accepted connection, with its place among the limit's and the time
/// after which it is closed unless a byte goes through.
pub struct Connection {
    stream: TcpStream,
    _permit: OwnedSemaphorePermit,
    idle: Duration,
    deadline: Pin<Box<Sleep>>,
}

impl Connection {
    fn new(stream: TcpStream, permit: OwnedSemaphorePermit, idle: Duration) -> Self {
        Connection {
            stream,
            _permit: permit,
            idle,
            deadline: Box::pin(tokio::time::sleep(idle)),
        }
    }

    /// After a byte went through: the connection has `idle` again.
    fn active(&mut self) {
        let next = Instant::now() + self.idle;
        self.deadline.as_mut().reset(next);
    }

    /// When the stream is waiting: an error once the deadline has passed,
    /// which makes the server close the connection.
    fn timed_out(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline.as_mut().poll(cx).is_ready()
    }
}

fn idle_error() -> io::Error {
    io::Error::new(io::ErrorKind::TimedOut, "connection idle")
}

impl AsyncRead for Connection {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        match Pin::new(&mut self.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                if buf.filled().len() > before {
                    self.active();
                }
                Poll::Ready(result)
            }
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl Connection {
    /// A write's result, the connection made active by bytes written or
    /// timed out while it waits.
    fn written(
        &mut self,
        cx: &mut Context<'_>,
        polled: Poll<io::Result<usize>>,
    ) -> Poll<io::Result<usize>> {
        match polled {
            Poll::Ready(Ok(written)) => {
                if written > 0 {
                    self.active();
                }
                Poll::Ready(Ok(written))
            }
            Poll::Ready(error) => Poll::Ready(error),
            Poll::Pending if self.timed_out(cx) => Poll::Ready(Err(idle_error())),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncWrite for Connection {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.written(cx, polled)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.written(cx, polled)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::{TcpListener, TcpStream};

    use super::Limited;

    async fn served(most: usize, idle: Duration) -> std::net::SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = listener.local_addr().expect("address");
        let app = axum::Router::new().fallback(|| async { "ok" });
        tokio::spawn(async move {
            axum::serve(Limited::with_limits(listener, most, idle), app)
                .await
                .expect("serve");
        });
        address
    }

    async fn get(address: std::net::SocketAddr) -> String {
        let mut stream = TcpStream::connect(address).await.expect("connect");
        stream
            .write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .await
            .expect("write");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer).await;
        answer
    }

    fn run(test: impl std::future::Future<Output = ()>) {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
            .block_on(test);
    }

    #[test]
    fn an_idle_connection_is_closed_and_others_are_served() {
        run(async {
            let address = served(4, Duration::from_millis(300)).await;
            // Half a request, then nothing.
            let mut idle = TcpStream::connect(address).await.expect("connect");
            idle.write_all(b"GET / HTTP/1.1\r\nHost: x")
                .await
                .expect("write");
            assert!(get(address).await.ends_with("ok"));
            let mut rest = Vec::new();
            let closed =
                tokio::time::timeout(Duration::from_secs(5), idle.read_to_end(&mut rest)).await;
            assert!(closed.is_ok(), "the idle connection is closed");
        });
    }

    #[test]
    fn connections_over_the_limit_are_closed_at_once() {
        run(async {
            let address = served(2, Duration::from_secs(60)).await;
            let mut held = Vec::new();
            for _ in 0..2 {
                held.push(TcpStream::connect(address).await.expect("connect"));
            }
            // Let the server accept them.
            tokio::time::sleep(Duration::from_millis(100)).await;
            let mut over = TcpStream::connect(address).await.expect("connect");
            let mut rest = Vec::new();
            let closed =
                tokio::time::timeout(Duration::from_secs(5), over.read_to_end(&mut rest)).await;
            assert!(closed.is_ok(), "closed at once: {closed:?}");
            // Once one closes, a new one is served (as soon as the server
            // has seen it close).
            held.pop();
            let mut served = false;
            for _ in 0..50 {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if get(address).await.ends_with("ok") {
                    served = true;
                    break;
                }
            }
            assert!(served, "a place was freed");
        });
    }
}
