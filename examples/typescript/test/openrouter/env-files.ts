// Maintained by the OpenRouter app template: copier update replaces this file.
/**
 * How env files read: name -> [the file's text, the variables it sets]; and how writing a key
 * changes them: name -> [the text before, after; {key} stands for the key].
 *
 * Generated from the template's shared table, which the Python flavour of this starter reads too;
 * the template's own tests check every case against Node's util.parseEnv, the reference both
 * flavours follow.
 */

type Variables = Readonly<Record<string, string>>;

// biome-ignore format: one case per line
export const ENV_FILES: Readonly<Record<string, readonly [text: string, variables: Variables]>> = {
  plain: ["A=1\nB=two words\n", {"A": "1", "B": "two words"}],
  no_final_newline: ["A=1\nB=2", {"A": "1", "B": "2"}],
  comments: ["# a comment\nexport A=1 # trailing comment\n  # indented comment\n", {"A": "1"}],
  hash_ends_a_bare_value: ["A=abc#def\n", {"A": "abc"}],
  hash_inside_quotes: ["A=\"quoted # not a comment\"\nB='single'\nC=`back`\n", {"A": "quoted # not a comment", "B": "single", "C": "back"}],
  key_with_a_hash_quoted: ['OPENROUTER_API_KEY="sk-or-v1-ab#cd"\n', {"OPENROUTER_API_KEY": "sk-or-v1-ab#cd"}],
  export_and_spaces: ["export   A=1\nexport \tB=2\n", {"A": "1", "B": "2"}],
  export_then_a_tab_is_a_name: ["export\tA=1\n", {"export\tA": "1"}],
  export_without_a_value_keeps_export: ["export A=\n", {"export A": ""}],
  spaces_and_tabs_trimmed: ["  A \t= \t x y \t\n", {"A": "x y"}],
  no_break_spaces_kept: ["A=1\u00a0\u00a0\nB=\u00a0x\n", {"A": "1\u00a0\u00a0", "B": "\u00a0x"}],
  newline_escape_only_in_double_quotes: ['A="line\\nbreak"\nB=\'no\\nbreak\'\nC="a\\tb"\n', {"A": "line\nbreak", "B": "no\\nbreak", "C": "a\\tb"}],
  multi_line_values: ["A=\"first\nsecond\"\nB='x\ny'\nC=`p\nq`\nD=1\n", {"A": "first\nsecond", "B": "x\ny", "C": "p\nq", "D": "1"}],
  crlf_line_endings: ['A=1\r\nB=two\r\nC="x"\r\n', {"A": "1", "B": "two", "C": "x"}],
  cr_only_line_endings_join_lines: ["A=1\rB=2\r", {"A": "1B=2"}],
  carriage_returns_dropped_everywhere: ['A="a\rb"\n', {"A": "ab"}],
  empty_values: ["A=\nB=\"\"\nC=''\nD=", {"A": "", "B": "", "C": "", "D": ""}],
  blank_value_takes_the_next_line: ["A=   \nB=2\n", {"A": "B=2"}],
  empty_name_without_a_value: ["=\nA=1\n", {"": "", "A": "1"}],
  empty_name_with_a_value_skipped: ["=x\nA=1\n", {"A": "1"}],
  duplicate_names_last_wins: ["A=first\nA=second\n", {"A": "second"}],
  quotes_inside_other_quotes: ['A="It\'s fine"\nB=\'say "hi"\'\n', {"A": "It's fine", "B": 'say "hi"'}],
  text_after_a_closing_quote_ignored: ['A="q" trailing\nB=2\n', {"A": "q", "B": "2"}],
  unclosed_quote_takes_its_line: ['A="open  \nB=2\n', {"A": '"open  ', "B": "2"}],
  same_quote_inside_ends_the_value: ["A='it's'\n", {"A": "it"}],
  line_without_equals_skipped: ["JUST TEXT\nA=1\n", {"A": "1"}],
  names_are_what_precedes_equals: ["A B=1\nA.b-c=2\nA#B=3\n", {"A B": "1", "A.b-c": "2", "A#B": "3"}],
  byte_order_mark_dropped: ["\ufeffOPENROUTER_API_KEY=sk-or-v1-abc\n", {"OPENROUTER_API_KEY": "sk-or-v1-abc"}],
  byte_order_mark_and_crlf: ["\ufeffA=1\r\nB=2\r\n", {"A": "1", "B": "2"}],
};

// biome-ignore format: one case per line
export const KEY_WRITES: Readonly<Record<string, readonly [before: string, after: string]>> = {
  replaces_the_value: ["A=1\nOPENROUTER_API_KEY=old\nB=2\n", "A=1\nOPENROUTER_API_KEY={key}\nB=2\n"],
  fills_an_empty_value: ["OPENROUTER_API_KEY=\nB=2\n", "OPENROUTER_API_KEY={key}\nB=2\n"],
  adds_a_line_when_missing: ["A=1\n", "A=1\nOPENROUTER_API_KEY={key}\n"],
  adds_a_line_after_a_last_line_without_newline: ["A=1", "A=1\nOPENROUTER_API_KEY={key}\n"],
  writes_an_empty_file: ["", "OPENROUTER_API_KEY={key}\n"],
  keeps_an_inline_comment: ["OPENROUTER_API_KEY=old # the development key\n", "OPENROUTER_API_KEY={key} # the development key\n"],
  keeps_export_spaces_and_quotes_around: ["export  OPENROUTER_API_KEY = 'old'  # c\n", "export  OPENROUTER_API_KEY = {key}  # c\n"],
  only_the_last_assignment_counts: ["OPENROUTER_API_KEY=first\nOPENROUTER_API_KEY=second\n", "OPENROUTER_API_KEY=first\nOPENROUTER_API_KEY={key}\n"],
  a_commented_out_key_stays: ["# OPENROUTER_API_KEY=old\n", "# OPENROUTER_API_KEY=old\nOPENROUTER_API_KEY={key}\n"],
  text_inside_a_multi_line_value_stays: ['NOTE="see\nOPENROUTER_API_KEY=not-this"\nOPENROUTER_API_KEY=old\n', 'NOTE="see\nOPENROUTER_API_KEY=not-this"\nOPENROUTER_API_KEY={key}\n'],
  a_multi_line_value_is_not_an_assignment: ["NOTE='x\nexport OPENROUTER_API_KEY=not-this\n'\n", "NOTE='x\nexport OPENROUTER_API_KEY=not-this\n'\nOPENROUTER_API_KEY={key}\n"],
  an_escaped_line_break_is_not_cut: ['NOTE="a\\nexport OPENROUTER_API_KEY=not-this"\nOPENROUTER_API_KEY=old\n', 'NOTE="a\\nexport OPENROUTER_API_KEY=not-this"\nOPENROUTER_API_KEY={key}\n'],
  a_multi_line_key_value_is_replaced_whole: ['OPENROUTER_API_KEY="old\nB=2"\nC=3\n', "OPENROUTER_API_KEY={key}\nC=3\n"],
  text_after_a_closing_quote_stays: ['OPENROUTER_API_KEY="old" trailing\n', 'OPENROUTER_API_KEY="{key}" trailing\n'],
  keeps_crlf_line_endings: ["A=1\r\nOPENROUTER_API_KEY=old\r\n", "A=1\r\nOPENROUTER_API_KEY={key}\r\n"],
  adds_a_crlf_line: ["A=1\r\n", "A=1\r\nOPENROUTER_API_KEY={key}\r\n"],
  adds_a_line_after_cr_only_line_endings: ["A=1\rB=2\r", "A=1\rB=2\r\nOPENROUTER_API_KEY={key}\n"],
  fills_an_empty_value_before_crlf: ["OPENROUTER_API_KEY=\r\nB=2\r\n", "OPENROUTER_API_KEY={key}\r\nB=2\r\n"],
  keeps_the_byte_order_mark: ["\ufeffOPENROUTER_API_KEY=old\n", "\ufeffOPENROUTER_API_KEY={key}\n"],
  export_without_a_value_is_not_the_key: ["export OPENROUTER_API_KEY=\n", "export OPENROUTER_API_KEY=\nOPENROUTER_API_KEY={key}\n"],
};
