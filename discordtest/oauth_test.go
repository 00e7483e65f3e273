package discordtest_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/hearthbot/hearth/discordtest"
)

func TestOAuth_Flow(t *testing.T) {
	o := discordtest.NewOAuth(t, "app", "secret")
	o.LogInAs("42", "ana")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	verifier := strings.Repeat("v", 43)
	sum := sha256.Sum256([]byte(verifier))
	authorize := func(t *testing.T, scope string) (*http.Response, url.Values) {
		t.Helper()
		q := url.Values{"response_type": {"code"}, "client_id": {"app"}, "scope": {scope}, "state": {"s1"},
			"redirect_uri": {"http://hearth.test/auth/callback"}, "code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}
		resp, err := noFollow.Get(o.AuthorizeURL + "?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		loc, _ := url.Parse(resp.Header.Get("Location"))
		return resp, loc.Query()
	}
	token := func(t *testing.T, code, verifier string) int {
		t.Helper()
		req, _ := http.NewRequest("POST", o.URL+"/oauth2/token", strings.NewReader(url.Values{"grant_type": {"authorization_code"}, "code": {code},
			"redirect_uri": {"http://hearth.test/auth/callback"}, "code_verifier": {verifier}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.SetBasicAuth("app", "secret")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			var tok struct {
				AccessToken string `json:"access_token"`
			}
			_ = json.NewDecoder(resp.Body).Decode(&tok)
			me, _ := http.NewRequest("GET", o.URL+"/users/@me", nil)
			me.Header.Set("Authorization", "Bearer "+tok.AccessToken)
			mr, err := http.DefaultClient.Do(me)
			if err != nil {
				t.Fatal(err)
			}
			defer mr.Body.Close()
			var u struct{ ID string }
			_ = json.NewDecoder(mr.Body).Decode(&u)
			if u.ID != "42" {
				t.Errorf("/users/@me = %q, want 42", u.ID)
			}
		}
		return resp.StatusCode
	}
	t.Run("OK", func(t *testing.T) {
		resp, q := authorize(t, "identify")
		if resp.StatusCode != http.StatusFound || q.Get("state") != "s1" || q.Get("code") == "" {
			t.Fatalf("authorize: %d %v", resp.StatusCode, q)
		}
		if st := token(t, q.Get("code"), verifier); st != http.StatusOK {
			t.Fatalf("token: %d", st)
		}
		if st := token(t, q.Get("code"), verifier); st != http.StatusBadRequest {
			t.Errorf("a code used twice: %d", st)
		}
	})
	t.Run("ErrVerifier", func(t *testing.T) {
		_, q := authorize(t, "identify")
		if st := token(t, q.Get("code"), strings.Repeat("w", 43)); st != http.StatusBadRequest {
			t.Errorf("wrong PKCE verifier: %d", st)
		}
	})
	t.Run("ErrScope", func(t *testing.T) {
		if resp, _ := authorize(t, "identify guilds"); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("scope beyond identify: %d", resp.StatusCode)
		}
	})
	t.Run("ErrBearer", func(t *testing.T) {
		req, _ := http.NewRequest("GET", o.URL+"/users/@me", nil)
		req.Header.Set("Authorization", "Bearer nope")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("unknown token: %d", resp.StatusCode)
		}
	})
}
