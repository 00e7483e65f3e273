package commands

import (
	"github.com/hearthbot/hearth"
	"github.com/hearthbot/hearth/locale"
)

// voiceOpt is the `voice` option of /group create and edit (SPEC §12).
func voiceOpt() OptionDef {
	return VoiceChannelOpt("voice", msgVoiceOption, false)
}

// voiceChange reads the `voice` option: a voice or stage channel where the
// group meets, or nil when not given.
func voiceChange(r *Request) (func(*hearth.Group), error) {
	ch := r.ChannelOption("voice")
	if ch == nil {
		return nil, nil
	}
	if !ch.Voice {
		return nil, r.Err(hearth.EINVALID, locale.CmdVoiceNotVoice, locale.A("Channel", "<#"+ch.ID+">"))
	}
	return func(g *hearth.Group) { g.VoiceChannelID = ch.ID }, nil
}
