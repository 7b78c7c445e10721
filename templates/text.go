package templates

import "cognito-custom-message/internal/htmltext"

// TextFileName returns the file that replaces the plain-text part generated from source's HTML email
// in a locale folder (or a brand's): a text/template with the same data as the email. It is optional.
func TextFileName(source string) string { return source + ".email.txt" }

// HTMLText turns a rendered HTML email into its plain-text alternative (htmltext.Convert): the
// head, styles and scripts dropped, one line per block and a blank line between paragraphs, <br> as
// a line break, list items as "- ", a link as "text (URL)" when the URL is not its text, white space
// collapsed as a browser does and entities decoded. Lines are never wrapped: a wrap could split the
// code.
func HTMLText(src string) string { return htmltext.Convert(src) }
