module github.com/mailinspector/mailinspector

go 1.26.8

require (
	blitiri.com.ar/go/spf v1.6.0 // indirect
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/emersion/go-message v0.18.2 // indirect
	github.com/emersion/go-msgauth v0.7.0 // indirect
	github.com/miekg/dns v1.1.73 // indirect
	golang.org/x/net v0.62.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
	gopkg.in/yaml.v3 v3.0.1 // indirect
)
