package app

import (
	"fmt"

	"fyne.io/fyne/v2"

	"github.com/mailinspector/mailinspector/inspector"
)

// arcTab shows the ARC chain (the JSON form of arc.Result) instance by
// instance: who sealed it, whether the seal and the message signature
// verify, and what each intermediary saw (its ARC-Authentication-Results).
func arcTab(r *inspector.Report) fyne.CanvasObject {
	s, reason, ok := sectionObj(r.ARC)
	if !ok {
		return tabPage(notEvaluated("ARC", reason))
	}
	return tabPage(arcView(s)...)
}

// arcView renders an ARC section.
func arcView(s obj) []fyne.CanvasObject {
	page := []fyne.CanvasObject{
		sectionHead("ARC", s.str("result"), s.str("reason")),
		fields(
			textPair("Failed at instance", s.str("failed_instance")),
			textPair("Oldest passing instance", s.str("oldest_pass")),
		),
	}
	if list := objects(s["instances"]); len(list) > 0 {
		page = append(page, heading("The chain, instance by instance"))
		for _, in := range list {
			page = append(page, arcInstance(in))
		}
	}
	page = append(page, moreDetails(s, "result", "reason", "code", "failed_instance", "oldest_pass", "instances"))
	return page
}

func arcInstance(in obj) fyne.CanvasObject {
	title := fmt.Sprintf("i=%s  sealed by %s", orDash(in.str("instance")), orDash(in.str("domain")))
	if sel := in.str("selector"); sel != "" {
		title += " (s=" + sel + ")"
	}
	var aar fyne.CanvasObject
	if h, ok := asObj(in["aar"]); ok && h.str("raw") != "" {
		aar = fields(pair{"ARC-Authentication-Results", mono(h.str("raw"))})
	}
	seal := in.str("seal_result")
	ams := in.str("ams_result")
	return card(
		heading(title),
		sectionHead("Seal (ARC-Seal)", seal, in.str("seal_reason")),
		sectionHead("Message signature (ARC-Message-Signature)", ams, in.str("ams_reason")),
		fields(
			textPair("Chain status it recorded (cv=)", in.str("cv")),
			textPair("Sealed", in.str("sealed")),
			textPair("What it saw", in.str("saw")),
		),
		aar,
		moreDetails(in, "instance", "domain", "selector", "seal_result", "seal_reason", "ams_result", "ams_reason",
			"cv", "sealed", "saw", "aar"),
	)
}
