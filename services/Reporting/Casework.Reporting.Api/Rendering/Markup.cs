using System.Text;
using System.Xml;

namespace Casework.Reporting.Rendering;

/// <summary>Escaping for HTML and SVG text and attributes: every name a report shows may come from an admin.</summary>
internal static class Markup
{
    /// <summary>
    /// Escapes &amp; &lt; &gt; " ' and replaces characters XML cannot hold (control characters, lone
    /// surrogates) with U+FFFD, so the same text is safe in HTML, in attributes and in a standalone SVG.
    /// </summary>
    public static string Escape(string? text)
    {
        if (string.IsNullOrEmpty(text)) return "";
        var sb = new StringBuilder(text.Length + 16);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '"': sb.Append("&quot;"); break;
                case '\'': sb.Append("&#39;"); break;
                default:
                    if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                    {
                        sb.Append(c).Append(text[++i]);
                    }
                    else if (char.IsSurrogate(c) || !XmlConvert.IsXmlChar(c) || (char.IsControl(c) && c is not ('\t' or '\n' or '\r')))
                    {
                        sb.Append('\uFFFD');
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.ToString();
    }
}
