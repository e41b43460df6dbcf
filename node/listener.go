package node

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// ConnLimits bound the API's connections (docs/operations.md, "HTTP
// limits").
type ConnLimits struct {
	// Max connections serve any request; beyond them, Reserved more serve
	// only /healthz and /v1/status (others get 503), so that a node whose
	// connections are all taken, by idle keep-alives or an attacker, still
	// answers its health check. Beyond Max+Reserved, connections wait in
	// the kernel's accept queue.
	Max, Reserved int
	// PerAddress caps the open connections of one remote IP address
	// (0: none); a connection beyond it is closed at once. With
	// ExemptLoopback, loopback clients (the node's own tools, a reverse
	// proxy on the same host) are not capped.
	PerAddress     int
	ExemptLoopback bool
}

// limitListener enforces ConnLimits. Like
// golang.org/x/net/netutil.LimitListener, its connections show what they
// wrap (NetConn, as tls.Conn does), so that the event stream can still
// bound the kernel send buffer of the TCP connection it hijacks
// (api.EventLimits.SendBuffer).
type limitListener struct {
	net.Listener
	l         ConnLimits
	sem       chan struct{} // Max+Reserved slots
	closeOnce sync.Once
	done      chan struct{} // closed by Close

	mu     sync.Mutex
	open   int
	byAddr map[string]int
}

func newLimitListener(ln net.Listener, l ConnLimits) *limitListener {
	return &limitListener{Listener: ln, l: l, sem: make(chan struct{}, l.Max+l.Reserved), done: make(chan struct{}), byAddr: map[string]int{}}
}

func (l *limitListener) Accept() (net.Conn, error) {
	for {
		select {
		case l.sem <- struct{}{}:
		case <-l.done:
			return nil, net.ErrClosed
		}
		c, err := l.Listener.Accept()
		if err != nil {
			<-l.sem
			return nil, err
		}
		ip := remoteIP(c)
		l.mu.Lock()
		capped := l.l.PerAddress > 0 && !(l.l.ExemptLoopback && isLoopback(ip))
		if capped && l.byAddr[ip] >= l.l.PerAddress {
			l.mu.Unlock()
			c.Close()
			<-l.sem
			continue
		}
		l.byAddr[ip]++
		l.open++
		reserved := l.open > l.l.Max
		l.mu.Unlock()
		return &limitedConn{Conn: c, reserved: reserved, release: func() {
			l.mu.Lock()
			l.open--
			if l.byAddr[ip]--; l.byAddr[ip] <= 0 {
				delete(l.byAddr, ip)
			}
			l.mu.Unlock()
			<-l.sem
		}}, nil
	}
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

func remoteIP(c net.Conn) string {
	host, _, err := net.SplitHostPort(c.RemoteAddr().String())
	if err != nil {
		return c.RemoteAddr().String()
	}
	return host
}

func isLoopback(ip string) bool {
	p := net.ParseIP(ip)
	return p != nil && p.IsLoopback()
}

type limitedConn struct {
	net.Conn
	reserved bool // beyond Max: health and status only
	once     sync.Once
	release  func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// NetConn is the connection underneath.
func (c *limitedConn) NetConn() net.Conn { return c.Conn }

type reservedKey struct{}

// connContext marks the requests of a reserved connection
// (http.Server.ConnContext).
func connContext(ctx context.Context, c net.Conn) context.Context {
	if lc, ok := c.(*limitedConn); ok && lc.reserved {
		return context.WithValue(ctx, reservedKey{}, true)
	}
	return ctx
}

// reservedOnly lets a reserved connection reach only /healthz and
// /v1/status; anything else is 503 (retry) and the connection closes.
func reservedOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Context().Value(reservedKey{}) != nil && r.URL.Path != "/healthz" && r.URL.Path != "/v1/status" {
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "1")
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusServiceUnavailable)
			w.Write([]byte(`{"type":"about:blank","title":"Service Unavailable","status":503,"detail":"the node is at its connection limit; this connection serves only /healthz and /v1/status: retry"}` + "\n"))
			return
		}
		h.ServeHTTP(w, r)
	})
}
