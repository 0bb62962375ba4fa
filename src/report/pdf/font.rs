//! The embedded Liberation Sans faces (SIL OFL, `assets/fonts/LICENSE`) as layout and the
//! PDF writer need them: which characters have a glyph, their advance widths, the metrics
//! of the font descriptor, and a subset of the font with only the glyphs a pack uses.
//!
//! Read straight from the font's `cmap`, `hmtx`, `head`, `hhea` and `OS/2` tables with
//! allsorts, once per process, into flat tables: measuring a character is an array look-up
//! (the Basic Multilingual Plane) or a map look-up (beyond it), which is what lets a
//! 90-page pack be laid out in a few milliseconds. Subsetting is allsorts' own.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use allsorts::binary::read::ReadScope;
use allsorts::font_data::FontData;
use allsorts::tables::cmap::Cmap;
use allsorts::tables::os2::Os2;
use allsorts::tables::{FontTableProvider, HeadTable, HheaTable, HmtxTable, MaxpTable};
use allsorts::tag;

use super::PdfError;

static REGULAR_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Regular.ttf");
static BOLD_TTF: &[u8] = include_bytes!("../../../assets/fonts/LiberationSans-Bold.ttf");

/// One face with what layout and the PDF need.
pub struct Face {
    bytes: &'static [u8],
    /// The PostScript name, e.g. "LiberationSans-Bold".
    pub name: &'static str,
    /// The six-letter subset tag (ISO 32000-1, 9.6.4), also the resource name.
    pub tag: &'static str,
    pub units_per_em: u16,
    /// For each BMP code point: glyph id in the high 16 bits, advance in the low; 0 when
    /// the face has no glyph for it.
    bmp: Vec<u32>,
    /// Code points beyond the BMP: glyph id and advance.
    astral: BTreeMap<u32, (u16, u16)>,
    /// Advance width of each glyph, by glyph id.
    advances: Vec<u16>,
    /// Font descriptor metrics, in font units.
    pub ascent: i16,
    pub descent: i16,
    pub cap_height: i16,
    pub bbox: [i16; 4],
}

impl Face {
    fn load(bytes: &'static [u8], name: &'static str, tag: &'static str) -> Option<Face> {
        let file = ReadScope::new(bytes).read::<FontData<'_>>().ok()?;
        let provider = file.table_provider(0).ok()?;
        let head_data = provider.read_table_data(tag::HEAD).ok()?;
        let head = ReadScope::new(&head_data).read::<HeadTable>().ok()?;
        let hhea_data = provider.read_table_data(tag::HHEA).ok()?;
        let hhea = ReadScope::new(&hhea_data).read::<HheaTable>().ok()?;
        let maxp_data = provider.read_table_data(tag::MAXP).ok()?;
        let maxp = ReadScope::new(&maxp_data).read::<MaxpTable>().ok()?;
        let hmtx_data = provider.read_table_data(tag::HMTX).ok()?;
        let hmtx = ReadScope::new(&hmtx_data)
            .read_dep::<HmtxTable<'_>>((
                usize::from(maxp.num_glyphs),
                usize::from(hhea.num_h_metrics),
            ))
            .ok()?;
        let advances: Vec<u16> = (0..maxp.num_glyphs)
            .map(|g| hmtx.horizontal_advance(g).unwrap_or(0))
            .collect();
        let cmap_data = provider.read_table_data(tag::CMAP).ok()?;
        let cmap = ReadScope::new(&cmap_data).read::<Cmap<'_>>().ok()?;
        let (_, subtable) = allsorts::font::read_cmap_subtable(&cmap).ok()??;
        let mut bmp = vec![0u32; 0x1_0000];
        let mut astral = BTreeMap::new();
        subtable
            .mappings_fn(|code, glyph| {
                if glyph == 0 {
                    return;
                }
                let advance = advances.get(usize::from(glyph)).copied().unwrap_or(0);
                match bmp.get_mut(code as usize) {
                    Some(slot) => *slot = (u32::from(glyph) << 16) | u32::from(advance),
                    None => {
                        astral.insert(code, (glyph, advance));
                    }
                }
            })
            .ok()?;
        let cap_height = provider
            .read_table_data(tag::OS_2)
            .ok()
            .and_then(|data| {
                ReadScope::new(&data)
                    .read_dep::<Os2>(data.len())
                    .ok()
                    .and_then(|os2| os2.version2to4.map(|v| v.s_cap_height))
            })
            .unwrap_or(hhea.ascender);
        if head.units_per_em == 0 || advances.is_empty() {
            return None;
        }
        Some(Face {
            bytes,
            name,
            tag,
            units_per_em: head.units_per_em,
            bmp,
            astral,
            advances,
            ascent: hhea.ascender,
            descent: hhea.descender,
            cap_height,
            bbox: [head.x_min, head.y_min, head.x_max, head.y_max],
        })
    }

    /// The glyph id and advance (font units) of `c`, when the face has a glyph for it.
    pub fn glyph(&self, c: char) -> Option<(u16, u16)> {
        let code = u32::from(c);
        match self.bmp.get(code as usize) {
            Some(0) => None,
            Some(packed) => Some(((packed >> 16) as u16, (packed & 0xffff) as u16)),
            None => self.astral.get(&code).copied(),
        }
    }

    pub fn has(&self, c: char) -> bool {
        self.glyph(c).is_some()
    }

    /// The advance width of `text` at `size` points.
    pub fn width(&self, text: &str, size: f32) -> f32 {
        let units: u32 = text
            .chars()
            .map(|c| self.glyph(c).map_or(0, |(_, w)| u32::from(w)))
            .sum();
        units as f32 * size / f32::from(self.units_per_em)
    }

    /// The advance of glyph `glyph` in thousandths of the font size, as the PDF's `/W`
    /// array gives widths.
    pub fn pdf_width(&self, glyph: u16) -> i64 {
        let advance = self.advances.get(usize::from(glyph)).copied().unwrap_or(0);
        (i64::from(advance) * 1000 + i64::from(self.units_per_em) / 2)
            / i64::from(self.units_per_em)
    }

    /// A value in font units in thousandths of the font size.
    pub fn scaled(&self, value: i16) -> i64 {
        i64::from(value) * 1000 / i64::from(self.units_per_em)
    }

    /// The face cut down to `.notdef` and the glyphs of `used`, renumbered in that order:
    /// the glyph of the n-th character of `used` (by glyph id order) becomes glyph n.
    /// Returns the font program and, for each kept glyph, its new id with the character it
    /// draws.
    pub fn subset(&self, used: &BTreeSet<char>) -> Result<Subset, PdfError> {
        let failed = || PdfError::Subset(self.name.to_string());
        let mut by_glyph: BTreeMap<u16, char> = BTreeMap::new();
        for c in used {
            if let Some((glyph, _)) = self.glyph(*c) {
                by_glyph.entry(glyph).or_insert(*c);
            }
        }
        let ids: Vec<u16> = std::iter::once(0).chain(by_glyph.keys().copied()).collect();
        let file = ReadScope::new(self.bytes)
            .read::<FontData<'_>>()
            .map_err(|_| failed())?;
        let provider = file.table_provider(0).map_err(|_| failed())?;
        let program = allsorts::subset::subset(
            &provider,
            &ids,
            &allsorts::subset::SubsetProfile::Pdf,
            allsorts::subset::CmapTarget::Unicode,
        )
        .map_err(|_| failed())?;
        let glyphs = by_glyph
            .into_iter()
            .enumerate()
            .map(|(i, (old, c))| SubsetGlyph {
                old,
                new: (i + 1) as u16,
                char: c,
            })
            .collect();
        Ok(Subset { program, glyphs })
    }
}

/// One glyph kept in a subset.
pub struct SubsetGlyph {
    /// Its id in the whole face.
    pub old: u16,
    /// Its id in the subset (1 and up; 0 is `.notdef`).
    pub new: u16,
    /// A character it draws (for the text a reader copies out).
    pub char: char,
}

/// A face cut down to the glyphs used.
pub struct Subset {
    /// The TrueType font program.
    pub program: Vec<u8>,
    pub glyphs: Vec<SubsetGlyph>,
}

pub struct Fonts {
    pub regular: Face,
    pub bold: Face,
}

impl Fonts {
    pub fn face(&self, bold: bool) -> &Face {
        if bold {
            &self.bold
        } else {
            &self.regular
        }
    }
}

/// The two faces, read once per process.
pub fn fonts() -> Result<&'static Fonts, PdfError> {
    static FONTS: OnceLock<Result<Fonts, &'static str>> = OnceLock::new();
    let loaded = FONTS.get_or_init(|| {
        Ok(Fonts {
            regular: Face::load(REGULAR_TTF, "LiberationSans", "SECASR")
                .ok_or("LiberationSans-Regular.ttf")?,
            bold: Face::load(BOLD_TTF, "LiberationSans-Bold", "SECASB")
                .ok_or("LiberationSans-Bold.ttf")?,
        })
    });
    loaded.as_ref().map_err(|name| PdfError::Font(name))
}
