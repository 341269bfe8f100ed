package bimi

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/mailinspector/mailinspector/inspector/internal/text"
)

// Limits of the logo check.
const (
	// MaxLogo is the size the BIMI group recommends a logo stay under.
	MaxLogo = 32 * 1024
	// maxDecode bounds what is decoded and parsed of a BIMI-Indicator.
	maxDecode = 1 << 20
	// maxTokens bounds the XML tokens read.
	maxTokens = 100000
)

// svgNS is the SVG namespace.
const svgNS = "http://www.w3.org/2000/svg"

// forbidden are the elements SVG Tiny Portable/Secure leaves out: scripts,
// foreign content, animation, and images and links that load or lead
// elsewhere.
var forbidden = map[string]string{
	"script": "a script", "foreignObject": "foreign content (foreignObject)", "animate": "animation",
	"animateMotion": "animation", "animateColor": "animation", "animateTransform": "animation", "set": "animation",
	"image": "an embedded image (image)", "a": "a link (a)", "iframe": "an iframe", "video": "a video",
	"audio": "audio", "handler": "an event handler (handler)", "listener": "an event listener",
}

// CheckIndicator checks the logo of a BIMI-Indicator field (its value
// unfolded: base64 of the SVG document) against SVG Tiny Portable/Secure
// (the profile BIMI requires): the root svg element has
// baseProfile="tiny-ps" and version="1.2", a title, no script or event
// handler, no reference outside the document, and the file stays under 32
// KB.
func CheckIndicator(value string) []Check {
	clean := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, value)
	if len(clean) > maxDecode*4/3+4 {
		return []Check{{ID: "svg", Result: CheckFail, Reason: "The BIMI-Indicator field is over 1 MiB: no provider would show such a logo."}}
	}
	svg, err := base64.StdEncoding.DecodeString(clean)
	if err != nil {
		return []Check{{ID: "svg", Result: CheckFail, Reason: "The BIMI-Indicator field is not valid base64: " + err.Error() + "."}}
	}
	return CheckSVG(svg)
}

// CheckSVG checks an SVG document against SVG Tiny Portable/Secure.
func CheckSVG(svg []byte) []Check {
	var checks []Check
	add := func(id, r, reason string) { checks = append(checks, Check{ID: id, Result: r, Reason: reason}) }
	if len(svg) > MaxLogo {
		add("svg_size", CheckFail, fmt.Sprintf("The logo is %d bytes; the BIMI group recommends at most 32 KB.", len(svg)))
	} else {
		add("svg_size", CheckPass, fmt.Sprintf("The logo is %d bytes (at most 32 KB recommended).", len(svg)))
	}
	s, err := scanSVG(svg)
	if err != nil {
		add("svg", CheckFail, "The logo is not a well-formed SVG document: "+err.Error()+".")
		return checks
	}
	switch {
	case !s.rootSVG:
		add("svg_tiny_ps", CheckFail, "The document's root element is not svg in the SVG namespace.")
	case s.baseProfile != "tiny-ps" || s.version != "1.2":
		add("svg_tiny_ps", CheckFail, fmt.Sprintf("The root svg element has baseProfile=%q version=%q: SVG Tiny Portable/Secure needs baseProfile=\"tiny-ps\" version=\"1.2\".",
			s.baseProfile, s.version))
	default:
		add("svg_tiny_ps", CheckPass, "The root svg element declares baseProfile=\"tiny-ps\" version=\"1.2\".")
	}
	if s.title == "" {
		add("svg_title", CheckFail, "The logo has no title element (SVG Tiny PS requires one: it names the brand).")
	} else {
		add("svg_title", CheckPass, fmt.Sprintf("The logo's title is %q.", s.title))
	}
	if len(s.scripts) > 0 {
		add("svg_no_scripts", CheckFail, "The logo holds what SVG Tiny PS forbids: "+strings.Join(s.scripts, ", ")+".")
	} else {
		add("svg_no_scripts", CheckPass, "The logo has no script, event handler, animation or foreign content.")
	}
	if len(s.external) > 0 {
		add("svg_no_external_refs", CheckFail, "The logo refers outside itself: "+strings.Join(s.external, ", ")+".")
	} else {
		add("svg_no_external_refs", CheckPass, "The logo refers to nothing outside itself.")
	}
	return checks
}

// scan is what scanSVG found.
type scan struct {
	rootSVG              bool
	baseProfile, version string
	title                string
	scripts, external    []string
}

func (s *scan) note(list *[]string, what string) {
	for _, w := range *list {
		if w == what {
			return
		}
	}
	if len(*list) < 10 {
		*list = append(*list, what)
	}
}

// scanSVG reads the document token by token (never resolving entities or
// fetching anything) and notes what the checks need.
func scanSVG(svg []byte) (*scan, error) {
	d := xml.NewDecoder(bytes.NewReader(svg))
	d.Strict = true
	d.Entity = map[string]string{}
	s := &scan{}
	depth, inTitle := 0, false
	var title strings.Builder
	for n := 0; ; n++ {
		if n > maxTokens {
			return nil, fmt.Errorf("more than %d XML tokens", maxTokens)
		}
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if depth == 1 {
				s.rootSVG = t.Name.Local == "svg" && t.Name.Space == svgNS
				for _, a := range t.Attr {
					switch a.Name.Local {
					case "baseProfile":
						s.baseProfile = a.Value
					case "version":
						s.version = a.Value
					}
				}
			}
			if what, ok := forbidden[t.Name.Local]; ok {
				s.note(&s.scripts, what)
			}
			if depth == 2 && t.Name.Local == "title" && s.title == "" {
				inTitle = true
			}
			for _, a := range t.Attr {
				s.attr(a)
			}
		case xml.EndElement:
			if inTitle && t.Name.Local == "title" {
				inTitle = false
				s.title = strings.TrimSpace(title.String())
			}
			depth--
		case xml.CharData:
			if inTitle && title.Len() < 200 {
				title.Write(t)
			}
		case xml.Directive:
			if bytes.Contains(bytes.ToUpper(t), []byte("ENTITY")) || bytes.Contains(bytes.ToUpper(t), []byte("SYSTEM")) {
				s.note(&s.external, "a DOCTYPE declaring entities or an external DTD")
			}
		case xml.ProcInst:
			if t.Target == "xml-stylesheet" {
				s.note(&s.external, "an external style sheet (xml-stylesheet)")
			}
		}
	}
	return s, nil
}

// attr notes an attribute that runs code or refers outside the document.
func (s *scan) attr(a xml.Attr) {
	name, v := a.Name.Local, strings.TrimSpace(a.Value)
	lv := strings.ToLower(v)
	switch {
	case strings.HasPrefix(strings.ToLower(name), "on"):
		s.note(&s.scripts, "an event handler ("+name+"=)")
	case strings.HasPrefix(lv, "javascript:"):
		s.note(&s.scripts, "a javascript: URL")
	case name == "href" && v != "" && !strings.HasPrefix(v, "#"):
		s.note(&s.external, "a reference to "+quoteShort(v))
	}
	if i := strings.Index(lv, "url("); i >= 0 {
		ref := strings.Trim(strings.TrimSpace(lv[i+4:]), `'"`)
		if !strings.HasPrefix(ref, "#") {
			s.note(&s.external, "a url() reference in "+name+"=")
		}
	}
	if strings.Contains(lv, "@import") {
		s.note(&s.external, "a style sheet import (@import)")
	}
}

func quoteShort(v string) string { return fmt.Sprintf("%q", text.Clip(v, 60)) }
