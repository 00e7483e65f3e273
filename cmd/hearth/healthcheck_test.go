package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestMain_Healthcheck(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.WriteHeader(status)
		if status == http.StatusOK {
			w.Write([]byte(`{"status":"ok","failed":[]}`))
		} else {
			w.Write([]byte(`{"status":"unhealthy","failed":["gateway"]}`))
		}
	}))
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	env := map[string]string{"HEARTH_HTTP_LISTEN": addr}

	t.Run("OK", func(t *testing.T) {
		if code, out, errOut := runMain(t, env, "healthcheck"); code != 0 || out != "healthy\n" {
			t.Errorf("exit %d %q %q", code, out, errOut)
		}
	})
	t.Run("WildcardAskedOnLoopback", func(t *testing.T) {
		port := addr[strings.LastIndex(addr, ":"):]
		if code, _, errOut := runMain(t, map[string]string{"HEARTH_HTTP_LISTEN": "0.0.0.0" + port}, "healthcheck"); code != 0 {
			t.Errorf("exit %d %q", code, errOut)
		}
	})
	t.Run("ErrUnhealthy", func(t *testing.T) {
		status = http.StatusServiceUnavailable
		defer func() { status = http.StatusOK }()
		if code, _, errOut := runMain(t, env, "healthcheck"); code != 1 || !strings.Contains(errOut, "gateway") {
			t.Errorf("exit %d %q", code, errOut)
		}
	})
	t.Run("ErrNoListener", func(t *testing.T) {
		if code, _, errOut := runMain(t, map[string]string{"HEARTH_HTTP_LISTEN": ""}, "healthcheck"); code != 1 || !strings.Contains(errOut, "http.listen") {
			t.Errorf("exit %d %q", code, errOut)
		}
	})
}
