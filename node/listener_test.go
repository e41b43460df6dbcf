package node

import (
	"net"
	"testing"
	"time"
)

// At most n connections are accepted at once; closing one lets the next
// in, and the connections show what they wrap.
func TestLimitListener(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newLimitListener(inner, 2)
	defer ln.Close()
	accepted := make(chan net.Conn, 3)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(accepted)
				return
			}
			accepted <- c
		}
	}()
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	first, second := <-accepted, <-accepted
	if _, ok := first.(interface{ NetConn() net.Conn }).NetConn().(*net.TCPConn); !ok {
		t.Fatal("the accepted connection does not show its TCP connection")
	}
	select {
	case <-accepted:
		t.Fatal("a third connection was accepted over the limit of two")
	case <-time.After(200 * time.Millisecond): // nothing must happen: a short look
	}
	first.Close()
	first.Close() // releases once
	third := <-accepted
	third.Close()
	second.Close()
	ln.Close()
	if _, ok := <-accepted; ok {
		t.Fatal("accepted after Close")
	}
}
