//! Laying out what a [`Writer`] holds into lines, by prettyplease's rule.

use super::{INFINITY, MARGIN, MIN_SPACE, Token, Writer};

impl Writer {
    /// The text laid out into lines. Every item ends its line; blank lines between items are
    /// left to [`crate::emit::rust`], as after prettyplease.
    pub(crate) fn finish(mut self) -> String {
        self.end();
        let sizes = sizes(&self.tokens);
        let Self { text, tokens, indent: start, .. } = self;
        let mut out = String::with_capacity(text.len() + text.len() / 2);
        let mut indent: isize = start;
        let mut space = (MARGIN - indent).max(MIN_SPACE);
        let mut pending: isize = indent;
        // Per open box: whether it breaks, and the indentation to go back to.
        let mut frames: Vec<(bool, bool, isize)> = Vec::new();
        let flush = |out: &mut String, pending: &mut isize| {
            // Indentation is rarely deeper than this: push it as one slice.
            const SPACES: &str = "                                                                ";
            let mut n = usize::try_from(*pending).unwrap_or_default();
            while n > 0 {
                let take = n.min(SPACES.len());
                out.push_str(&SPACES[..take]);
                n -= take;
            }
            *pending = 0;
        };
        for (token, &size) in tokens.iter().zip(&sizes) {
            match *token {
                Token::Text { start, end, .. } => {
                    flush(&mut out, &mut pending);
                    out.push_str(&text[start..end]);
                    space -= (end - start) as isize;
                }
                Token::Infinite => flush(&mut out, &mut pending),
                Token::Begin { offset, consistent } => {
                    if size > space {
                        frames.push((true, consistent, indent));
                        indent += offset;
                    } else {
                        frames.push((false, consistent, indent));
                    }
                }
                Token::End => {
                    if let Some((broken, _, outer)) = frames.pop()
                        && broken
                    {
                        indent = outer;
                    }
                }
                Token::Break(token) => {
                    let fits = token.never
                        || match frames.last() {
                            Some((false, _, _)) => true,
                            Some((true, true, _)) => false,
                            Some((true, false, _)) | None => size <= space,
                        };
                    if fits {
                        pending += token.blank;
                        space -= token.blank;
                        // As prettyplease: right after the text, before the pending blanks.
                        if let Some(c) = token.no_break {
                            out.push(c);
                            space -= 1;
                        }
                    } else {
                        if let Some(c) = token.pre {
                            flush(&mut out, &mut pending);
                            out.push(c);
                        }
                        out.push('\n');
                        let line_indent = indent + token.offset;
                        pending = line_indent;
                        space = (MARGIN - line_indent).max(MIN_SPACE);
                        if !token.post.is_empty() {
                            flush(&mut out, &mut pending);
                            out.push_str(token.post);
                            space -= token.post.len() as isize;
                        }
                    }
                }
            }
        }
        out
    }
}

/// The size of each token as prettyplease's printer measures it: a word its length; a box
/// or break the width from it to the next break outside anything that opened after it (a
/// box's size includes what follows it up to that break).
fn sizes(tokens: &[Token]) -> Vec<isize> {
    let mut sizes = vec![0; tokens.len()];
    // Unmeasured boxes, breaks and ends, as the printer's scan stack.
    let mut stack: Vec<usize> = Vec::new();
    let mut total: isize = 0;
    let settle = |stack: &mut Vec<usize>, sizes: &mut [isize], total: isize| {
        let mut depth = 0usize;
        while let Some(&index) = stack.last() {
            match tokens[index] {
                Token::Begin { .. } => {
                    if depth == 0 {
                        break;
                    }
                    stack.pop();
                    sizes[index] += total;
                    depth -= 1;
                }
                Token::End => {
                    stack.pop();
                    sizes[index] = 1;
                    depth += 1;
                }
                Token::Break(_) => {
                    stack.pop();
                    sizes[index] += total;
                    if depth == 0 {
                        break;
                    }
                }
                Token::Text { .. } | Token::Infinite => unreachable!("words are never on the stack"),
            }
        }
    };
    for (index, token) in tokens.iter().enumerate() {
        match *token {
            Token::Text { start, end, .. } => {
                sizes[index] = (end - start) as isize;
                total += sizes[index];
            }
            Token::Infinite => {
                sizes[index] = INFINITY;
                total += INFINITY;
            }
            Token::Begin { .. } => {
                sizes[index] = -total;
                stack.push(index);
            }
            Token::End => {
                sizes[index] = -1;
                stack.push(index);
            }
            Token::Break(token) => {
                settle(&mut stack, &mut sizes, total);
                sizes[index] = -total;
                stack.push(index);
                total += token.blank;
            }
        }
    }
    settle(&mut stack, &mut sizes, total);
    // Whatever is still open at the end (never, for whole items) counts as not fitting.
    for index in stack {
        sizes[index] = INFINITY;
    }
    sizes
}
