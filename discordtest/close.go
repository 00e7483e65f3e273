package discordtest

// gatewayRefusal is the close every IDENTIFY and RESUME gets while set.
type gatewayRefusal struct {
	code int
	text string
}

// CloseGateway closes every gateway connection with a close frame of code and
// text, and closes every later IDENTIFY and RESUME the same way until
// ReopenGateway, as Discord does once a token is reset (4004) or an intent
// is withdrawn (4014).
func (s *Server) CloseGateway(code int, text string) {
	s.mu.Lock()
	s.refusal = &gatewayRefusal{code: code, text: text}
	conns := s.liveConns()
	s.mu.Unlock()
	for _, c := range conns {
		s.closeWith(c, code, text)
	}
}

// ReopenGateway undoes CloseGateway: IDENTIFY and RESUME succeed again.
func (s *Server) ReopenGateway() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refusal = nil
}

// refused closes c with the refusal CloseGateway set, if any, and reports
// whether it did.
func (s *Server) refused(c *gwConn) bool {
	s.mu.Lock()
	r := s.refusal
	if r != nil {
		s.refusals++
		s.notifyLocked()
	}
	s.mu.Unlock()
	if r == nil {
		return false
	}
	s.closeWith(c, r.code, r.text)
	return true
}

// GatewayRefusals is the number of IDENTIFYs and RESUMEs closed by
// CloseGateway so far.
func (s *Server) GatewayRefusals() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refusals
}
