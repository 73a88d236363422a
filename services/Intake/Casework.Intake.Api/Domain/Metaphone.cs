using System.Text;

namespace Casework.Intake.Domain;

/// <summary>
/// Lawrence Philips' Metaphone (1990): a key for how an English name sounds, so that spellings of one name
/// ("Smith" / "Smyth", "Catherine" / "Kathryn", "Phillips" / "Filips", "MacDonald" / "McDonald") share a key.
/// It suits the names of British and Irish records better than Soundex (it knows PH, TH, GH, KN, SCH, silent
/// letters). One change, from Double Metaphone: a leading vowel is always "A" ("Ellis" / "Allis").
/// The key has no length limit: a longer key keeps common names apart, which matters when it is looked up.
/// </summary>
public static class Metaphone
{
    /// <summary>The key of a name; only the letters A to Z count (fold accents first, <see cref="PersonKeys.Name"/>).</summary>
    public static string Encode(string name)
    {
        var word = new string(name.Where(char.IsAsciiLetter).Select(char.ToUpperInvariant).ToArray());
        if (word.Length == 0)
        {
            return "";
        }
        var key = new StringBuilder(word.Length);
        var start = 0;
        switch (word)
        {
            case ['A', 'E', ..]:
                key.Append('A'); // "Aeron" sounds as it would with an E, and any leading vowel is "A"
                start = 2;
                break;
            case ['G', 'N', ..] or ['K', 'N', ..] or ['P', 'N', ..] or ['W', 'R', ..]:
                start = 1; // the first letter is silent
                break;
            case ['X', ..]:
                key.Append('S');
                start = 1;
                break;
            case ['W', 'H', ..]:
                key.Append('W');
                start = 2;
                break;
        }

        for (var i = start; i < word.Length; i++)
        {
            var c = word[i];
            if (c != 'C' && i > 0 && word[i - 1] == c)
            {
                continue; // a doubled letter sounds once
            }
            char At(int index) => index >= 0 && index < word.Length ? word[index] : '\0';
            var next = At(i + 1);
            var previous = At(i - 1);
            var isLast = i == word.Length - 1;
            switch (c)
            {
                case 'A' or 'E' or 'I' or 'O' or 'U':
                    if (i == 0)
                    {
                        key.Append('A');
                    }
                    break;
                case 'B':
                    if (!(isLast && previous == 'M')) // "Plumb"
                    {
                        key.Append('B');
                    }
                    break;
                case 'C':
                    if (previous == 'S' && IsFrontVowel(next))
                    {
                        break; // "SCI", "SCE", "SCY": the S carries the sound
                    }
                    if (next == 'I' && At(i + 2) == 'A')
                    {
                        key.Append('X');
                    }
                    else if (IsFrontVowel(next))
                    {
                        key.Append('S');
                    }
                    else if (next == 'H')
                    {
                        key.Append(previous == 'S' ? 'K' : 'X'); // "Schofield" / "Church"
                        i++;
                    }
                    else
                    {
                        key.Append('K');
                    }
                    break;
                case 'D':
                    if (next == 'G' && IsFrontVowel(At(i + 2)))
                    {
                        key.Append('J'); // "Hodge"
                        i++;
                    }
                    else
                    {
                        key.Append('T');
                    }
                    break;
                case 'G':
                    if (next == 'H' && !(i + 1 == word.Length - 1 || IsVowel(At(i + 2))))
                    {
                        break; // "Knight", "Wright": GH not before a vowel is silent
                    }
                    if (next == 'N' && (i + 1 == word.Length - 1 || word.AsSpan(i + 1).SequenceEqual("NED")))
                    {
                        break; // "Sign", "Signed"
                    }
                    key.Append(IsFrontVowel(next) && previous != 'G' ? 'J' : 'K');
                    break;
                case 'H':
                    // Sounded only before a vowel and not as part of CH, SH, PH, TH, GH.
                    if (!isLast && "CSPTG".IndexOf(previous) < 0 && IsVowel(next))
                    {
                        key.Append('H');
                    }
                    break;
                case 'K':
                    if (previous != 'C')
                    {
                        key.Append('K');
                    }
                    break;
                case 'P':
                    key.Append(next == 'H' ? 'F' : 'P');
                    break;
                case 'Q':
                    key.Append('K');
                    break;
                case 'S':
                    if (next == 'H' || (next == 'I' && At(i + 2) is 'O' or 'A'))
                    {
                        key.Append('X');
                    }
                    else
                    {
                        key.Append('S');
                    }
                    break;
                case 'T':
                    if (next == 'I' && At(i + 2) is 'O' or 'A')
                    {
                        key.Append('X');
                    }
                    else if (next == 'H')
                    {
                        key.Append('0'); // the "th" sound
                    }
                    else if (!(next == 'C' && At(i + 2) == 'H'))
                    {
                        key.Append('T'); // (silent in "TCH")
                    }
                    break;
                case 'V':
                    key.Append('F');
                    break;
                case 'W' or 'Y':
                    if (IsVowel(next))
                    {
                        key.Append(c);
                    }
                    break;
                case 'X':
                    key.Append("KS");
                    break;
                case 'Z':
                    key.Append('S');
                    break;
                default: // F, J, L, M, N, R
                    key.Append(c);
                    break;
            }
        }
        return key.ToString();
    }

    private static bool IsVowel(char c) => c is 'A' or 'E' or 'I' or 'O' or 'U';

    private static bool IsFrontVowel(char c) => c is 'E' or 'I' or 'Y';
}
