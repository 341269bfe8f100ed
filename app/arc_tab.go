package app

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"

	"github.com/mailinspector/mailinspector/inspector"
	"github.com/mailinspector/mailinspector/inspector/arc"
)

// newARCTab shows the ARC chain (arc.Result) instance by instance: who
// sealed it, whether the seal and the message signature verify, and what
// each intermediary saw (its ARC-Authentication-Results).
func newARCTab() tabView {
	return newSectionTab("ARC", func(r *inspector.Report) *arc.Result { return r.ARC }, newARCView())
}

// arcView renders an ARC section.
type arcView struct {
	root      *fyne.Container
	head      *statusHead
	facts     *form
	chainHead *widget.Label
	instances *list[*arc.Instance]
	more      *moreView
}

func newARCView() *arcView {
	v := &arcView{
		head:      newStatusHead(),
		facts:     textForm("Chain broken at", "Message unchanged since"),
		chainHead: heading("The chain, instance by instance"),
		instances: newList(newARCInstanceView),
		more:      newMoreView(),
	}
	v.root = vbox(v.head.root, v.facts.root, v.chainHead, v.instances.root, v.more.acc)
	return v
}

func (v *arcView) object() fyne.CanvasObject { return v.root }

func (v *arcView) update(s *arc.Result, _ *inspector.Report) {
	sh := track(s)
	sh.mark(&s.Code) // a machine word: the reason says it
	v.head.set("ARC", string(use(sh, &s.Result)), inspector.ARCStatus(s.Result), use(sh, &s.Reason))
	broken, since := "", ""
	if n := use(sh, &s.FailedInstance); n != 0 {
		broken = fmt.Sprintf("instance %d: from there on, the forwarders' claims cannot be verified", n)
	}
	if n := use(sh, &s.OldestPass); n != 0 {
		since = fmt.Sprintf("instance %d signed it: its message signature still verifies (whatever the seals say)", n)
	}
	v.facts.setAll(broken, since)
	var list []*arc.Instance
	for _, in := range use(sh, &s.Instances) {
		if in != nil {
			list = append(list, in)
		}
	}
	setShown(v.chainHead, len(list) > 0)
	v.instances.set(list)
	v.more.set(s, sh)
}

// cvText says an ARC set's cv= in words, the tag beside them.
func cvText(cv string) string {
	switch cv {
	case "none":
		return "none: it was the first forwarder (cv=none)"
	case "pass":
		return "intact: the chain before it validated (cv=pass)"
	case "fail":
		return "broken: the chain before it did not validate (cv=fail)"
	}
	return cv
}

// arcInstanceView is one ARC set.
type arcInstanceView struct {
	root  fyne.CanvasObject
	title *widget.Label
	seal  *statusHead
	ams   *statusHead
	facts *form
	aar   *form
	more  *moreView

	// forensics says why its message signature broke.
	forensics *forensicsView
}

func newARCInstanceView() item[*arc.Instance] {
	v := &arcInstanceView{
		title: heading(""),
		seal:  newStatusHead(),
		ams:   newStatusHead(),
		facts: textForm("Chain as it found it\n(cv=)", "Sealed", "What it saw"),
		aar:   newForm(),
		more:  newMoreView(),
	}
	v.aar.addMono("ARC-Authentication-Results")
	v.forensics = newForensicsView()
	v.root = card(v.title, v.seal.root, v.ams.root, v.forensics.root, v.facts.root, v.aar.root, v.more.acc)
	return v
}

func (v *arcInstanceView) object() fyne.CanvasObject { return v.root }

func (v *arcInstanceView) update(in *arc.Instance) {
	sh := track(in)
	title := fmt.Sprintf("i=%s  sealed by %s", strconv.Itoa(use(sh, &in.Instance)), orDash(use(sh, &in.Domain)))
	if sel := use(sh, &in.Selector); sel != "" {
		title += " (s=" + sel + ")"
	}
	setText(v.title, title)
	v.seal.set("Seal (ARC-Seal)", string(use(sh, &in.SealResult)), inspector.ARCStatus(in.SealResult), use(sh, &in.SealReason))
	v.ams.set("Message signature (ARC-Message-Signature)", string(use(sh, &in.AMSResult)), inspector.ARCStatus(in.AMSResult), use(sh, &in.AMSReason))
	v.forensics.update(use(sh, &in.Forensics), nil, in.Domain)
	sealed := ""
	if t := use(sh, &in.Sealed); t != nil {
		sealed = timeText(*t)
	}
	v.facts.setAll(cvText(use(sh, &in.CV)), sealed, inspector.Sentence(use(sh, &in.Saw)))
	raw := ""
	if h := use(sh, &in.AAR); h != nil {
		raw = h.Raw
	}
	v.aar.set(0, raw)
	setShown(v.aar.root, raw != "")
	v.more.set(in, sh)
}
