package commands_test

import (
	"context"
	"testing"

	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/commands"
)

func reply(text string) commands.Handler {
	return func(context.Context, *commands.Request) (*commands.Response, error) {
		return commands.Ephemeral(text), nil
	}
}

func TestRouter_Dispatch(t *testing.T) {
	rt := commands.NewRouter()
	rt.Handle("group create", reply("create"))
	rt.Component("alert:ack", reply("ack"))
	rt.Component("alert", reply("alert"))
	rt.Autocomplete("group", reply("complete"))
	for _, tc := range []struct {
		name string
		req  commands.Request
		want string
	}{
		{"Command", commands.Request{Kind: commands.KindCommand, Path: "group create"}, "create"},
		{"LongestComponentRoute", commands.Request{Kind: commands.KindComponent, CustomID: "alert:ack:12"}, "ack"},
		{"ComponentRoute", commands.Request{Kind: commands.KindComponent, CustomID: "alert:note:12"}, "alert"},
		{"Autocomplete", commands.Request{Kind: commands.KindAutocomplete, Path: "join", Focused: "group"}, "complete"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := rt.Dispatch(context.Background(), &tc.req)
			if err != nil || resp.Message.Content != tc.want {
				t.Errorf("Dispatch = %v, %v; want %q", resp, err, tc.want)
			}
		})
	}
	t.Run("ErrUnknown", func(t *testing.T) {
		_, err := rt.Dispatch(context.Background(), &commands.Request{Kind: commands.KindComponent, CustomID: "alerts"})
		if hearth.ErrorCode(err) != hearth.ENOTFOUND {
			t.Errorf("err = %v, want ENOTFOUND", err)
		}
	})
}

func TestRouter_RefusesDuplicates(t *testing.T) {
	for name, register := range map[string]func(*commands.Router){
		"Handle":       func(rt *commands.Router) { rt.Handle("join", reply("x")) },
		"Component":    func(rt *commands.Router) { rt.Component("join:agree", reply("x")) },
		"Autocomplete": func(rt *commands.Router) { rt.Autocomplete("group", reply("x")) },
		"Define":       func(rt *commands.Router) { rt.Define(commands.Command{Name: "join"}) },
	} {
		t.Run(name, func(t *testing.T) {
			rt := commands.NewRouter()
			register(rt)
			defer func() {
				if recover() == nil {
					t.Errorf("a second %s registration was accepted", name)
				}
			}()
			register(rt)
		})
	}
}

func TestRequest_Arg(t *testing.T) {
	r := &commands.Request{CustomID: "join:agree:7:123"}
	if r.Arg("join:agree", 0) != "7" || r.Arg("join:agree", 1) != "123" || r.Arg("join:agree", 2) != "" || r.Arg("leave", 0) != "" {
		t.Errorf("Arg parsed %q wrongly", r.CustomID)
	}
}
