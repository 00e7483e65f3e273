package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// runHealthcheck asks the running hearth's /healthz (on [http] listen) and
// fails unless it answers 200: the container's HEALTHCHECK, which needs no
// shell, curl or wget in the image. A wildcard listen address is asked on
// loopback.
func (m *Main) runHealthcheck(ctx context.Context, args []string) error {
	fs, path := m.flags("healthcheck")
	cfg, err := m.parse(fs, path, args)
	if err != nil {
		return err
	}
	if cfg.HTTP.Listen == "" {
		return errors.New("http.listen is empty: hearth serves no /healthz to check")
	}
	host, port, err := net.SplitHostPort(cfg.HTTP.Listen)
	if err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+net.JoinHostPort(host, port)+"/healthz", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	var h struct {
		Status string   `json:"status"`
		Failed []string `json:"failed"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&h) // the status code decides; the body only explains
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("unhealthy (%d): failed %s", resp.StatusCode, strings.Join(h.Failed, ", "))
	}
	fmt.Fprintln(m.Stdout, "healthy")
	return nil
}
