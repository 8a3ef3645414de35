package connectortest

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Proxy is a loopback TCP proxy between a connector under test and a real
// server. It forwards every connection both ways until Stall; from then
// on it forwards nothing, on open connections and new ones, and keeps
// every socket open: a server that stopped answering mid-stream, without
// the reset or the close a client would notice.
type Proxy struct {
	// Addr is where to connect instead of the server, 127.0.0.1:port.
	Addr string

	target  string
	ln      net.Listener
	stalled chan struct{}
	once    sync.Once
	closed  chan struct{}

	mu    sync.Mutex
	conns []net.Conn
}

// NewProxy listens on a free loopback port and forwards to target
// (host:port) until the test ends.
func NewProxy(t testing.TB, target string) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{Addr: ln.Addr().String(), target: target, ln: ln,
		stalled: make(chan struct{}), closed: make(chan struct{})}
	go p.accept()
	t.Cleanup(p.close)
	return p
}

// Stall stops forwarding, in both directions, for good.
func (p *Proxy) Stall() { p.once.Do(func() { close(p.stalled) }) }

func (p *Proxy) accept() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		if !p.track(c) {
			return
		}
		select {
		case <-p.stalled:
			continue // held open, never answered
		default:
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		if !p.track(s) {
			return
		}
		go p.pipe(s, c)
		go p.pipe(c, s)
	}
}

// pipe copies from src to dst until either side closes; once stalled it
// keeps what it read and waits for the proxy to close.
func (p *Proxy) pipe(dst, src net.Conn) {
	buf := make([]byte, 32<<10)
	for {
		n, err := src.Read(buf)
		select {
		case <-p.stalled:
			<-p.closed
			return
		default:
		}
		if n > 0 {
			if _, werr := dst.Write(buf[:n]); werr != nil {
				return
			}
		}
		if err != nil {
			if err == io.EOF {
				// Half-close as the peer did, so the other side sees it.
				if tc, ok := dst.(*net.TCPConn); ok {
					_ = tc.CloseWrite()
				}
			}
			return
		}
	}
}

// track records a socket to close at the end; false when the proxy is
// closed already (the socket is then closed).
func (p *Proxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-p.closed:
		c.Close()
		return false
	default:
	}
	p.conns = append(p.conns, c)
	return true
}

func (p *Proxy) close() {
	p.mu.Lock()
	close(p.closed)
	conns := p.conns
	p.conns = nil
	p.mu.Unlock()
	p.ln.Close()
	for _, c := range conns {
		c.Close()
	}
}
