package signals

import (
	"fmt"
	"strings"
)

// File types that run code when opened. The list is a selection of the
// Level 1 types that Microsoft Outlook blocks ("Blocked attachments in
// Outlook"), certificates and data files left out, with the disk images
// that Windows opens as drives (used to carry programs past filters).
var executable = map[string]string{
	"exe": "a Windows program", "scr": "a Windows screen saver (a program)", "com": "a DOS program", "pif": "a DOS program shortcut",
	"bat": "a batch script", "cmd": "a batch script", "vbs": "a Visual Basic script", "vbe": "an encoded Visual Basic script",
	"js": "a JavaScript file that Windows runs", "jse": "an encoded JScript file", "wsf": "a Windows script", "wsh": "a Windows script",
	"hta": "an HTML application (a program)", "msi": "a Windows installer", "msp": "a Windows installer patch", "mst": "a Windows installer transform",
	"ps1": "a PowerShell script", "psm1": "a PowerShell module", "jar": "a Java program", "lnk": "a Windows shortcut that can run commands",
	"reg": "a registry file", "cpl": "a Control Panel program", "dll": "a Windows library", "chm": "a compiled help file that can run scripts",
	"scf": "a Windows Explorer command file", "url": "an Internet shortcut", "inf": "a setup file", "gadget": "a Windows gadget",
	"application": "a ClickOnce program", "appx": "a Windows app package", "msix": "a Windows app package", "appinstaller": "a Windows app installer",
	"iso": "a disk image, opened as a drive", "img": "a disk image, opened as a drive", "vhd": "a virtual disk, opened as a drive", "vhdx": "a virtual disk, opened as a drive",
	"xll": "an Excel add-in (a program)", "sh": "a shell script", "command": "a macOS shell script", "apk": "an Android app",
	"one": "a OneNote file, used to carry embedded scripts",
}

// Web pages: opened, they run in the browser, where a copy of a login
// page asks for a password and sends it away.
var webPage = map[string]bool{"html": true, "htm": true, "shtml": true, "xhtml": true, "mht": true, "mhtml": true}

// Office formats that hold macros.
var macro = map[string]bool{
	"docm": true, "dotm": true, "xlsm": true, "xltm": true, "xlam": true, "xlsb": true,
	"pptm": true, "potm": true, "ppam": true, "ppsm": true, "sldm": true,
}

// documentLike are extensions a person takes for a harmless document: in
// front of another extension, they make a double extension.
var documentLike = map[string]bool{
	"pdf": true, "doc": true, "docx": true, "xls": true, "xlsx": true, "ppt": true, "pptx": true, "txt": true, "rtf": true,
	"jpg": true, "jpeg": true, "png": true, "gif": true, "odt": true, "csv": true, "mp3": true, "mp4": true, "zip": true,
}

// executableTypes are media types that say "a program", whatever the
// name says.
var executableTypes = map[string]bool{
	"application/x-msdownload": true, "application/x-msdos-program": true, "application/x-ms-installer": true,
	"application/x-msi": true, "application/hta": true, "application/x-ms-shortcut": true, "application/vnd.microsoft.portable-executable": true,
}

// bidiControls are the characters that reorder text on display: in a file
// name, U+202E shows "invoice‮fdp.exe" as "invoiceexe.pdf".
const bidiControls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"

// dangerousName says why a file of this name (and media type, "" when
// unknown) is dangerous, or "".
func dangerousName(name, mediaType string) string {
	if strings.ContainsAny(name, bidiControls) {
		return "its name holds a character that reverses the text on screen, so the end of the name (its real type) shows where it is not"
	}
	// Windows ignores dots and spaces at the end of a name.
	n := strings.ToLower(strings.TrimRight(name, " ."))
	parts := strings.Split(n, ".")
	ext := ""
	if len(parts) > 1 {
		ext = strings.TrimSpace(parts[len(parts)-1])
	}
	prev := ""
	if len(parts) > 2 {
		prev = strings.TrimSpace(parts[len(parts)-2])
	}
	what, exe := executable[ext]
	switch {
	case exe && documentLike[prev]:
		return fmt.Sprintf("it has a double extension: it looks like a .%s file but is %s (.%s), which runs code when opened", prev, what, ext)
	case exe:
		return fmt.Sprintf("it is %s (.%s), which runs code when opened", what, ext)
	case webPage[ext]:
		return fmt.Sprintf("it is a web page (.%s): opened, it runs in the browser, where a copy of a sign-in page can ask for a password and send it away", ext)
	case macro[ext]:
		return fmt.Sprintf("it is an Office document with macros (.%s), which can run code when its content is enabled", ext)
	case executableTypes[mediaType]:
		return fmt.Sprintf("its media type %s says it is a program, whatever its name says", mediaType)
	}
	return ""
}

// judgeAttachments raises dangerous_attachment for each attachment, or
// file inside a zip archive, that runs code or hides its type.
func judgeAttachments(l *list, atts []Attachment) {
	for _, a := range atts {
		if why := dangerousName(a.Name, a.Type); why != "" {
			l.add(DangerousAttachment, "The attachment "+quote(a.Name)+" is dangerous: "+why+". Do not open it unless you expected exactly this file.", "attachment "+a.Name)
			continue
		}
		var inside []string
		var why string
		for _, n := range a.Inside {
			if w := dangerousName(n, ""); w != "" {
				if why == "" {
					why = w
				}
				inside = append(inside, n)
			}
		}
		if len(inside) > 0 {
			ev := "attachment " + a.Name + " holds " + strings.Join(inside, ", ")
			l.add(DangerousAttachment, fmt.Sprintf("The zip archive %s holds %s: %s. Archives are a common way to get programs past mail filters.",
				quote(a.Name), quote(inside[0]), why), ev)
		}
	}
}
