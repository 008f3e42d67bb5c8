package fixtures

import (
	"net"
	"sync"
)

// TCPServer counts its accept loop in wgLn and each connection in wgConns, which the accept
// loop adds to (name5566/leaf's network.TCPServer).
type TCPServer struct {
	ln      net.Listener
	wgLn    sync.WaitGroup
	wgConns sync.WaitGroup
}

func (s *TCPServer) Start() {
	s.wgLn.Add(1)
	go s.run()
}

func (s *TCPServer) run() {
	defer s.wgLn.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wgConns.Add(1) // ok
		go func() {
			defer s.wgConns.Done()
			conn.Close()
		}()
	}
}

// ok: wgLn.Wait returns only once run has returned, after its last wgConns.Add.
func (s *TCPServer) Close() {
	s.ln.Close()
	s.wgLn.Wait()
	s.wgConns.Wait()
}

// UDPServer waits for the connections first: the accept loop may still add to the group.
type UDPServer struct {
	ln      net.Listener
	wgLn    sync.WaitGroup
	wgConns sync.WaitGroup
}

func (s *UDPServer) Start() {
	s.wgLn.Add(1)
	go s.run()
}

func (s *UDPServer) run() {
	defer s.wgLn.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.wgConns.Add(1) // want "`s.wgConns.Add\\(1\\)` runs inside the goroutine started at line 52, so `s.wgConns.Wait\\(\\)` can return before it is counted"
		go func() {
			defer s.wgConns.Done()
			conn.Close()
		}()
	}
}

func (s *UDPServer) Close() {
	s.ln.Close()
	s.wgConns.Wait()
	s.wgLn.Wait()
}
