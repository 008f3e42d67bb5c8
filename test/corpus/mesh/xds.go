package mesh

import (
	"errors"
	"sync"
)

var errStreamClosed = errors.New("mesh: stream closed")

type Request struct {
	TypeURL string
	Nonce   string
}

type Stream interface {
	Recv() (*Request, error)
	Send(ev *PushEvent) error
}

type DiscoveryServer struct {
	mu      sync.Mutex
	clients map[string]*Connection
}

func (s *DiscoveryServer) removeCon(id string) {
	s.mu.Lock()
	delete(s.clients, id)
	s.mu.Unlock()
}

// receive reads requests until the stream fails; it owns reqChannel and closes it.
func (s *DiscoveryServer) receive(stream Stream, reqChannel chan<- *Request, errp *error) {
	defer close(reqChannel)
	for {
		req, err := stream.Recv()
		if err != nil {
			*errp = err
			return
		}
		reqChannel <- req
	}
}

// ok: the stream loop ends when receive closes reqChannel or the connection stops.
func (s *DiscoveryServer) Stream(stream Stream, con *Connection) error {
	defer s.removeCon(con.ID)
	reqChannel := make(chan *Request, 1)
	var receiveErr error
	go s.receive(stream, reqChannel, &receiveErr)
	for {
		select {
		case req, ok := <-reqChannel:
			if !ok {
				return receiveErr
			}
			_ = req
		case ev := <-con.pushChannel:
			if err := stream.Send(ev); err != nil {
				return err
			}
		case <-con.stop:
			return errStreamClosed
		}
	}
}

// AdsPushAll blocks on each client's push channel while holding s.mu; a client whose stream
// is ending calls removeCon, which needs s.mu, and stops reading pushChannel.
func (s *DiscoveryServer) AdsPushAll(ev *PushEvent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, c := range s.clients {
		c.pushChannel <- ev // want "held|holding|while .* locked"
	}
}

// ok: the client list is copied under the lock; the pushes give up when the client stops.
func (s *DiscoveryServer) AdsPushAllFixed(ev *PushEvent) {
	s.mu.Lock()
	clients := make([]*Connection, 0, len(s.clients))
	for _, c := range s.clients {
		clients = append(clients, c)
	}
	s.mu.Unlock()
	for _, c := range clients {
		select {
		case c.pushChannel <- ev:
		case <-c.stop:
		}
	}
}
