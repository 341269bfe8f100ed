package signals

// Brand is a well-known brand that phishing imitates: the words a display
// name uses for it, and the domains it really sends mail from and links
// to (organisational domains).
type Brand struct {
	Name string
	// Words are matched in a display name as whole words, after
	// confusable mapping and without case ("PayPaI" is "PayPal"). They
	// are chosen so that a person's name does not match: "Chase" alone is
	// a first name, "Chase Bank" is the bank.
	Words []string
	// Domains are the brand's own organisational domains, the first its
	// main one. A display name naming the brand is expected from one of
	// them; a domain that imitates one of them is a look-alike.
	Domains []string
}

// BrandSource says where the brand list comes from.
const BrandSource = "the brands in Check Point Research's quarterly Brand Phishing Report and Ranking top-10 lists " +
	"(overall and email), Q4 2019 to Q4 2024, as published up to January 2025; list made 2026-12-04"

// Brands is the list of the most impersonated brands. To add a brand,
// add an entry: the words a display name would use, and every domain it
// sends from (country domains included, or genuine mail from them is
// taken for an imitation).
var Brands = []Brand{
	{"Microsoft", []string{"Microsoft", "Outlook Team", "Outlook Support", "Outlook Web App", "Office 365", "Microsoft 365", "OneDrive", "SharePoint", "Hotmail"},
		[]string{"microsoft.com", "office.com", "office365.com", "outlook.com", "live.com", "hotmail.com", "microsoftonline.com", "sharepoint.com", "onedrive.com", "msn.com", "microsoft365.com", "azure.com", "xbox.com", "skype.com", "windows.com", "bing.com"}},
	{"Apple", []string{"Apple", "iCloud", "Apple ID", "iTunes", "App Store"},
		[]string{"apple.com", "icloud.com", "me.com", "mac.com", "itunes.com"}},
	{"Google", []string{"Google", "Gmail", "Google Drive", "Google Docs", "YouTube"},
		[]string{"google.com", "gmail.com", "googlemail.com", "youtube.com", "google.de", "google.co.uk", "google.fr", "googlegroups.com", "withgoogle.com"}},
	{"Facebook", []string{"Facebook", "Meta Business", "Meta Platforms"},
		[]string{"facebook.com", "facebookmail.com", "fb.com", "meta.com", "metamail.com"}},
	{"Instagram", []string{"Instagram"}, []string{"instagram.com", "facebookmail.com", "meta.com"}},
	{"WhatsApp", []string{"WhatsApp"}, []string{"whatsapp.com", "whatsapp.net", "facebookmail.com", "meta.com"}},
	{"LinkedIn", []string{"LinkedIn"}, []string{"linkedin.com", "licdn.com"}},
	{"Amazon", []string{"Amazon", "Amazon Prime", "AWS"},
		[]string{"amazon.com", "amazon.de", "amazon.co.uk", "amazon.fr", "amazon.it", "amazon.es", "amazon.ca", "amazon.co.jp", "amazon.in", "amazon.com.au", "amazon.nl", "amazon.com.br", "amazonses.com", "amazonaws.com", "aws.com", "primevideo.com"}},
	{"Alibaba", []string{"Alibaba", "AliExpress"}, []string{"alibaba.com", "aliexpress.com", "alibabacloud.com", "aliyun.com"}},
	{"Adobe", []string{"Adobe", "Adobe Sign", "Acrobat"}, []string{"adobe.com", "adobesign.com", "echosign.com", "adobelogin.com"}},
	{"Twitter", []string{"Twitter"}, []string{"twitter.com", "x.com", "t.co"}},
	{"Adidas", []string{"Adidas"}, []string{"adidas.com", "adidas.de", "adidas.co.uk"}},
	{"DHL", []string{"DHL", "DHL Express", "Deutsche Post"}, []string{"dhl.com", "dhl.de", "dhl.co.uk", "deutschepost.de", "dpdhl.com", "dhl-news.com"}},
	{"PayPal", []string{"PayPal"}, []string{"paypal.com", "paypal.de", "paypal.co.uk", "paypal.fr", "paypal.it", "paypal.es", "paypal.nl", "paypal.com.au", "paypal.ca", "paypal.me", "paypal-communication.com", "paypal-community.com"}},
	{"Netflix", []string{"Netflix"}, []string{"netflix.com", "netflix.net"}},
	{"Yahoo", []string{"Yahoo"}, []string{"yahoo.com", "yahoo-inc.com", "yahoo.co.jp", "yahoo.co.uk", "yahoo.de", "yahoo.fr", "ymail.com", "aol.com"}},
	{"Huawei", []string{"Huawei"}, []string{"huawei.com", "hicloud.com"}},
	{"Chase", []string{"Chase Bank", "JPMorgan Chase", "JPMorgan", "J.P. Morgan", "Chase Online"}, []string{"chase.com", "jpmorgan.com", "jpmorganchase.com", "jpmchase.com"}},
	{"Wells Fargo", []string{"Wells Fargo"}, []string{"wellsfargo.com", "wf.com"}},
	{"HSBC", []string{"HSBC"}, []string{"hsbc.com", "hsbc.co.uk", "hsbc.com.hk", "hsbc.fr"}},
	{"UniCredit", []string{"UniCredit"}, []string{"unicredit.it", "unicreditgroup.eu", "unicredit.eu", "hypovereinsbank.de"}},
	{"Walmart", []string{"Walmart"}, []string{"walmart.com", "walmart.ca"}},
	{"eBay", []string{"eBay"}, []string{"ebay.com", "ebay.de", "ebay.co.uk", "ebay.fr", "ebay.it", "ebay.es", "ebay.com.au", "ebay.ca"}},
	{"Spotify", []string{"Spotify"}, []string{"spotify.com"}},
	{"Dropbox", []string{"Dropbox"}, []string{"dropbox.com", "dropboxmail.com"}},
	{"Roblox", []string{"Roblox"}, []string{"roblox.com"}},
}
