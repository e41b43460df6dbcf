package node

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"runtime"
	"strings"
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
	ln := newLimitListener(inner, ConnLimits{Max: 2})
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

// One address holds at most PerAddress connections: the next is closed at
// once, and does not take a slot from other clients (before, 1,000 idle
// connections from one address locked everyone out, /healthz included).
func TestLimitListenerPerAddress(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := newLimitListener(inner, ConnLimits{Max: 10, PerAddress: 2})
	defer ln.Close()
	accepted := make(chan net.Conn, 10)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- c
		}
	}()
	var clients []net.Conn
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", inner.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		clients = append(clients, c)
	}
	a, b := <-accepted, <-accepted
	// The third is closed by the server: reading it ends.
	clients[2].SetReadDeadline(time.Now().Add(5 * time.Second))
	if _, err := clients[2].Read(make([]byte, 1)); err != io.EOF && !isReset(err) {
		t.Fatalf("the third connection from one address: %v, want closed", err)
	}
	select {
	case <-accepted:
		t.Fatal("a third connection from one address was accepted")
	default:
	}
	// Closing one makes room for the address again.
	a.Close()
	c, err := net.Dial("tcp", inner.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	select {
	case d := <-accepted:
		d.Close()
	case <-time.After(5 * time.Second):
		t.Fatal("no room after a close")
	}
	b.Close()
	// Loopback is exempt when the limits say so.
	ln2 := newLimitListener(inner, ConnLimits{Max: 10, PerAddress: 1, ExemptLoopback: true})
	if ln2.l.PerAddress != 1 || !isLoopback("127.0.0.1") || isLoopback("10.1.2.3") {
		t.Fatal("loopback detection")
	}
}

func isReset(err error) bool { return err != nil && strings.Contains(err.Error(), "reset") }

// With every connection taken by idle clients, the reserved connections
// still answer /healthz and /v1/status, and only them.
func TestReservedConnectionsServeHealth(t *testing.T) {
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/v1/blocks/latest", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "block") })
	srv := newHTTPServer(mux, DefaultAppConfig())
	ln := newLimitListener(inner, ConnLimits{Max: 3, Reserved: 2})
	go srv.Serve(ln)
	defer srv.Close()
	addr := inner.Addr().String()
	// Three idle connections take every ordinary slot (as 1,000 idle ones
	// would with the defaults).
	for i := 0; i < 3; i++ {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
	}
	// Wait until the server holds them (they send no request to wait for).
	for deadline := time.Now().Add(5 * time.Second); ; {
		ln.mu.Lock()
		open := ln.open
		ln.mu.Unlock()
		if open == 3 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server accepted %d of 3 connections", open)
		}
		runtime.Gosched()
	}
	get := func(path string) (int, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(5 * time.Second))
		io.WriteString(c, "GET "+path+" HTTP/1.1\r\nHost: x\r\n\r\n")
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get("/healthz"); code != 200 || body != "ok" {
		t.Fatalf("/healthz with every ordinary connection taken: %d %s", code, body)
	}
	if code, body := get("/v1/blocks/latest"); code != http.StatusServiceUnavailable || !strings.Contains(body, "connection limit") {
		t.Fatalf("another path on a reserved connection: %d %s", code, body)
	}
}
