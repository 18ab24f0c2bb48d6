use minicbor::Encoder;

/// The word index chunks in `pagefind/index/`
///
/// oasis patch: the published crate built every word's list of pages as
/// the structs below (`PackedWord`, `PackedPage`, `PackedVariant`: two
/// vectors for every page a word is on), delta-encoded the page numbers in
/// a pass of their own and encoded each chunk with minicbor's derive. Each
/// page entry is now encoded as it is merged ([`PageList`]), so a chunk is
/// written by copying bytes ([`encode_chunk`]). The bytes are the same: the
/// tests encode the same words both ways.
///
/// A chunk (`pagefind/index/*.pf_index`) is, in CBOR:
///
/// ```text
/// WordIndex    = [words: [* PackedWord]]
/// PackedWord   = [word: text, pages: [* PackedPage], additional_variants: [* PackedVariant]]
/// PackedVariant = [form: text, pages: [* PackedPage]]
/// PackedPage   = [page_number: uint (delta from the previous page of the list),
///                 locs: [* int], meta_locs: [* int]]
/// ```

/// A list of locations (`locs` or `meta_locs` of a page), CBOR-encoded.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodedLocs {
    /// The array: its head, then each location.
    bytes: Vec<u8>,
    /// How many locations it holds.
    len: usize,
}

impl EncodedLocs {
    pub fn new(locs: &[i32]) -> Self {
        let mut encoded = Self::with_len(locs.len());
        for &loc in locs {
            encoded.push(loc);
        }
        encoded
    }

    /// An array of `len` locations, to be given by `push`.
    pub fn with_len(len: usize) -> Self {
        // Most locations take one or two bytes.
        let mut bytes = Vec::with_capacity(2 * len + 5);
        let _ = Encoder::new(&mut bytes).array(len as u64);
        EncodedLocs { bytes, len }
    }

    pub fn push(&mut self, loc: i32) {
        let _ = Encoder::new(&mut self.bytes).i32(loc);
    }
}

/// The empty array of locations.
const NO_LOCS: u8 = 0x80;

/// A word's (or one spelling's) list of pages, each entry encoded as it
/// comes. Pages must come in increasing order: each adds at most one entry.
#[derive(Debug, Default)]
pub struct PageList {
    /// Each page's `PackedPage`, page numbers delta-encoded.
    bytes: Vec<u8>,
    count: u64,
    last_page: Option<usize>,
    /// What chunking counts for the list: for each page, its locations,
    /// its meta locations and one.
    size: usize,
}

impl PageList {
    /// Adds the page's locations (and no meta locations yet).
    pub fn push(&mut self, page_number: usize, locs: &EncodedLocs) {
        self.push_entry(page_number, &locs.bytes, locs.len);
        self.bytes.push(NO_LOCS);
    }

    /// Gives the page its meta locations: to its entry if it has one (the
    /// last, pages coming in order), else to a new entry with no locations.
    pub fn set_meta(&mut self, page_number: usize, meta_locs: &EncodedLocs) {
        if self.last_page == Some(page_number) {
            // The entry ends with its empty meta locations.
            let last = self.bytes.pop();
            debug_assert_eq!(last, Some(NO_LOCS));
        } else {
            self.push_entry(page_number, &[NO_LOCS], 0);
        }
        self.bytes.extend_from_slice(&meta_locs.bytes);
        self.size += meta_locs.len;
    }

    fn push_entry(&mut self, page_number: usize, locs: &[u8], locs_len: usize) {
        let delta = page_number - self.last_page.unwrap_or(0);
        let mut e = Encoder::new(&mut self.bytes);
        let _ = e.array(3).and_then(|e| e.u64(delta as u64));
        self.bytes.extend_from_slice(locs);
        self.last_page = Some(page_number);
        self.count += 1;
        self.size += locs_len + 1;
    }

    fn encode(&self, e: &mut Encoder<&mut Vec<u8>>) {
        let _ = e.array(self.count);
        e.writer_mut().extend_from_slice(&self.bytes);
    }
}

/// A single word as an inverse index of all locations on the site
#[derive(Debug, Default)]
pub struct WordEntries {
    pub word: String,
    pub pages: PageList,
    /// Spellings of the word with diacritics (e.g., "café" for "cafe"), in
    /// the order they were met.
    pub additional_variants: Vec<(String, PageList)>,
}

impl WordEntries {
    /// The list of pages of one spelling of the word.
    pub fn variant(&mut self, form: String) -> &mut PageList {
        let i = match self
            .additional_variants
            .iter()
            .position(|(f, _)| *f == form)
        {
            Some(i) => i,
            None => {
                self.additional_variants.push((form, PageList::default()));
                self.additional_variants.len() - 1
            }
        };
        &mut self.additional_variants[i].1
    }

    /// What chunking counts for the word: its lists and its spellings.
    pub fn size(&self) -> usize {
        self.pages.size
            + self
                .additional_variants
                .iter()
                .map(|(_, pages)| pages.size + 1)
                .sum::<usize>()
    }

    fn encoded_len(&self) -> usize {
        let lists =
            std::iter::once(&self.pages).chain(self.additional_variants.iter().map(|v| &v.1));
        self.word.len() + lists.map(|l| l.bytes.len() + 16).sum::<usize>() + 16
    }
}

/// A word index chunk, as `WordIndex` encoded it.
pub fn encode_chunk(words: &[WordEntries]) -> Vec<u8> {
    let mut bytes =
        Vec::with_capacity(words.iter().map(WordEntries::encoded_len).sum::<usize>() + 10);
    let mut e = Encoder::new(&mut bytes);
    let _ = e.array(1).and_then(|e| e.array(words.len() as u64));
    for word in words {
        let _ = e.array(3).and_then(|e| e.str(&word.word));
        word.pages.encode(&mut e);
        let _ = e.array(word.additional_variants.len() as u64);
        for (form, pages) in &word.additional_variants {
            let _ = e.array(2).and_then(|e| e.str(form));
            pages.encode(&mut e);
        }
    }
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use minicbor::Encode;

    /// The published crate's types, which the encoding must match.
    #[derive(Encode)]
    struct WordIndex {
        #[n(0)]
        words: Vec<PackedWord>,
    }

    #[derive(Encode, Clone)]
    struct PackedWord {
        #[n(0)]
        word: String,
        #[n(1)]
        pages: Vec<PackedPage>,
        #[n(2)]
        additional_variants: Vec<PackedVariant>,
    }

    #[derive(Encode, Clone)]
    struct PackedVariant {
        #[n(0)]
        form: String,
        #[n(1)]
        pages: Vec<PackedPage>,
    }

    #[derive(Encode, Clone)]
    struct PackedPage {
        #[n(0)]
        page_number: usize,
        #[n(1)]
        locs: Vec<i32>,
        #[n(2)]
        meta_locs: Vec<i32>,
    }

    /// A page of a list: its number, locations and meta locations.
    type Page = (usize, Vec<i32>, Vec<i32>);

    /// Both encodings of words given as (word, pages, variants' pages), each
    /// list in increasing page order; a page with locations gets them
    /// before its meta locations, as the merge does.
    fn both(words: &[(&str, Vec<Page>, Vec<(&str, Vec<Page>)>)]) -> (Vec<u8>, Vec<u8>) {
        fn list(pages: &[Page]) -> PageList {
            let mut list = PageList::default();
            for (number, locs, meta_locs) in pages {
                if !locs.is_empty() || meta_locs.is_empty() {
                    list.push(*number, &EncodedLocs::new(locs));
                }
                if !meta_locs.is_empty() {
                    list.set_meta(*number, &EncodedLocs::new(meta_locs));
                }
            }
            list
        }
        fn packed(pages: &[Page]) -> Vec<PackedPage> {
            let mut last = 0;
            pages
                .iter()
                .map(|(number, locs, meta_locs)| {
                    let delta = number - last;
                    last = *number;
                    PackedPage {
                        page_number: delta,
                        locs: locs.clone(),
                        meta_locs: meta_locs.clone(),
                    }
                })
                .collect()
        }
        let entries: Vec<WordEntries> = words
            .iter()
            .map(|(word, pages, variants)| WordEntries {
                word: word.to_string(),
                pages: list(pages),
                additional_variants: variants
                    .iter()
                    .map(|(form, pages)| (form.to_string(), list(pages)))
                    .collect(),
            })
            .collect();
        let published = WordIndex {
            words: words
                .iter()
                .map(|(word, pages, variants)| PackedWord {
                    word: word.to_string(),
                    pages: packed(pages),
                    additional_variants: variants
                        .iter()
                        .map(|(form, pages)| PackedVariant {
                            form: form.to_string(),
                            pages: packed(pages),
                        })
                        .collect(),
                })
                .collect(),
        };
        let mut expected = Vec::new();
        minicbor::encode(published, &mut expected).unwrap();
        (encode_chunk(&entries), expected)
    }

    #[test]
    fn chunks_are_encoded_as_the_published_crate_encoded_them() {
        let big: Vec<i32> = (0..70_000)
            .map(|i| {
                if i % 97 == 0 {
                    -(i % 9) - 1
                } else {
                    i * 7 % 300_000
                }
            })
            .collect();
        let many_pages: Vec<Page> = (0..300).map(|n| (n * n, vec![1, 2, 3], vec![])).collect();
        let (ours, published) = both(&[
            (
                "a",
                vec![(0, vec![1, 23, 24, 255, 256, 65_535, 65_536], vec![])],
                vec![],
            ),
            (
                "café",
                vec![(3, vec![-26, 4], vec![-1, 0, 5]), (70_000, vec![2], vec![])],
                vec![
                    (
                        "cafe\u{301}",
                        vec![(3, vec![], vec![-2, 7]), (9, vec![1], vec![-1, 3])],
                    ),
                    ("cafè", vec![(100_000, big.clone(), vec![])]),
                ],
            ),
            ("many", many_pages, vec![]),
            (&"w".repeat(300), vec![(5, big, vec![-1, 2])], vec![]),
        ]);
        assert_eq!(ours, published);
        let (ours, published) = both(&[]);
        assert_eq!(ours, published);
    }

    #[test]
    fn sizes_count_locations_pages_and_spellings() {
        let mut word = WordEntries::default();
        word.pages.push(0, &EncodedLocs::new(&[1, 2, 3]));
        word.pages.set_meta(0, &EncodedLocs::new(&[-1, 4]));
        word.pages.set_meta(2, &EncodedLocs::new(&[-1, 4]));
        word.variant("é".into()).push(1, &EncodedLocs::new(&[9]));
        word.variant("é".into()).push(4, &EncodedLocs::new(&[9]));
        assert_eq!(word.additional_variants.len(), 1);
        // (3 + 2 + 1) + (0 + 2 + 1) + spelling (1 + 1) + (1 + 1) + 1
        assert_eq!(word.size(), 6 + 3 + 2 + 2 + 1);
    }
}
