package node

import (
	"net"
	"sync"
)

// limitListener accepts at most n connections at once; the others wait in
// the kernel's accept queue until one closes. It is
// golang.org/x/net/netutil.LimitListener but for one thing: its
// connections show what they wrap (NetConn, as tls.Conn does), so that the
// event stream can still bound the kernel send buffer of the TCP
// connection it hijacks (api.EventLimits.SendBuffer).
type limitListener struct {
	net.Listener
	sem       chan struct{}
	closeOnce sync.Once
	done      chan struct{} // closed by Close
}

func newLimitListener(l net.Listener, n int) net.Listener {
	return &limitListener{Listener: l, sem: make(chan struct{}, n), done: make(chan struct{})}
}

func (l *limitListener) Accept() (net.Conn, error) {
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
	return &limitedConn{Conn: c, release: func() { <-l.sem }}, nil
}

func (l *limitListener) Close() error {
	err := l.Listener.Close()
	l.closeOnce.Do(func() { close(l.done) })
	return err
}

type limitedConn struct {
	net.Conn
	once    sync.Once
	release func()
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(c.release)
	return err
}

// NetConn is the connection underneath.
func (c *limitedConn) NetConn() net.Conn { return c.Conn }
