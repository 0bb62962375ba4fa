//! Laid-out pages to PDF bytes, written directly as PDF objects with lopdf: one content
//! stream per page (text as glyph ids of the subset fonts, rules and shading), the two
//! faces as Type 0 fonts with `Identity-H` encoding, their widths and a `ToUnicode` map
//! (so text can be searched and copied), links from the summary and contents to the page
//! they name, bookmarks for the parts, and the document information.
//!
//! Deterministic: the creation date is the document's `generated_at`, object numbers
//! follow the layout, and the trailer's `/ID` is derived from the content, so the same
//! document gives the same bytes.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write as _;

use lopdf::{dictionary, Dictionary, Object, ObjectId, Stream, StringFormat};
use sha2::{Digest, Sha256};

use super::font::{Face, Fonts, Subset};
use super::{Layout, PdfError, PAGE_H, PAGE_W};
use crate::report::document::Document;

/// A face as written: its subset and the new glyph id of each glyph of the whole face.
struct Embedded<'f> {
    face: &'f Face,
    subset: Subset,
    /// New glyph id by old glyph id; 0 for glyphs not kept.
    remap: Vec<u16>,
}

impl<'f> Embedded<'f> {
    fn new(face: &'f Face, used: &BTreeSet<char>) -> Result<Self, PdfError> {
        let subset = face.subset(used)?;
        let size = subset
            .glyphs
            .iter()
            .map(|g| usize::from(g.old) + 1)
            .max()
            .unwrap_or(0);
        let mut remap = vec![0u16; size];
        for g in &subset.glyphs {
            remap[usize::from(g.old)] = g.new;
        }
        Ok(Embedded {
            face,
            subset,
            remap,
        })
    }

    /// `text` as a PDF string of two-byte glyph ids, with the bytes a literal string
    /// needs escaped.
    fn encode(&self, text: &str, out: &mut Vec<u8>) {
        out.push(b'(');
        for c in text.chars() {
            let new = self
                .face
                .glyph(c)
                .and_then(|(old, _)| self.remap.get(usize::from(old)).copied())
                .unwrap_or(0);
            for byte in new.to_be_bytes() {
                match byte {
                    b'(' | b')' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
                    b'\n' => out.extend_from_slice(b"\\n"),
                    b'\r' => out.extend_from_slice(b"\\r"),
                    other => out.push(other),
                }
            }
        }
        out.push(b')');
    }
}

/// A number as PDF writes it: at most two decimals, no trailing zeros. Written digit by
/// digit: a pack has tens of thousands of them.
fn num(out: &mut Vec<u8>, value: f32) {
    let hundredths = (value * 100.0).round() as i64;
    if hundredths < 0 {
        out.push(b'-');
    }
    let abs = hundredths.unsigned_abs();
    let (whole, frac) = (abs / 100, abs % 100);
    let mut digits = [0u8; 20];
    let mut n = whole;
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[i..]);
    if frac != 0 {
        out.push(b'.');
        out.push(b'0' + (frac / 10) as u8);
        if frac % 10 != 0 {
            out.push(b'0' + (frac % 10) as u8);
        }
    }
}

fn nums(out: &mut Vec<u8>, values: &[f32], op: &str) {
    for v in values {
        num(out, *v);
        out.push(b' ');
    }
    out.extend_from_slice(op.as_bytes());
    out.push(b'\n');
}

/// The content stream of one page: shading, then rules, then text.
fn content(page: &super::Page, faces: &[Embedded<'_>; 2]) -> Vec<u8> {
    let mut out = Vec::with_capacity(page.texts.len() * 48 + page.rules.len() * 32);
    if !page.fills.is_empty() {
        out.extend_from_slice(b"0.9 g\n");
        for (x, y, w, h) in &page.fills {
            nums(&mut out, &[*x, *y, *w, *h], "re f");
        }
    }
    out.extend_from_slice(b"0.55 G 0.5 w\n");
    for (x1, y1, x2, y2) in &page.rules {
        nums(&mut out, &[*x1, *y1], "m");
        nums(&mut out, &[*x2, *y2], "l S");
    }
    out.extend_from_slice(b"0 g\nBT\n");
    // One positioned line per text: a reader extracting text sees one line at a time.
    let mut font: Option<(bool, f32)> = None;
    for t in &page.texts {
        let face = &faces[usize::from(t.bold)];
        if font != Some((t.bold, t.size)) {
            out.push(b'/');
            out.extend_from_slice(face.face.tag.as_bytes());
            out.push(b' ');
            nums(&mut out, &[t.size], "Tf");
            font = Some((t.bold, t.size));
        }
        nums(&mut out, &[1.0, 0.0, 0.0, 1.0, t.x, t.y], "Tm");
        face.encode(&t.text, &mut out);
        out.extend_from_slice(b" Tj\n");
    }
    out.extend_from_slice(b"ET\n");
    out
}

/// Deflated, for a `/FlateDecode` stream. Level 1: the content of a pack is repetitive
/// enough that the fastest level gives nearly the size of the default at a third of the
/// time.
fn deflate(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::ZlibEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::new(1),
    );
    // Writing to memory cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn stream(dict: Dictionary, bytes: &[u8]) -> Stream {
    deflated_stream(dict, deflate(bytes))
}

fn deflated_stream(mut dict: Dictionary, deflated: Vec<u8>) -> Stream {
    dict.set("Filter", "FlateDecode");
    Stream::new(dict, deflated).with_compression(false)
}

/// Every page's content stream, deflated. Deflating is most of the time writing takes,
/// so the pages are shared out between the machine's cores (at most four threads); the
/// bytes are the same whatever the split.
fn page_contents(layout: &Layout<'_>, faces: &[Embedded<'_>; 2]) -> Vec<Vec<u8>> {
    let pages = &layout.pages;
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 4)
        .min(pages.len().max(1));
    let per_thread = pages.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let workers: Vec<_> = pages
            .chunks(per_thread)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|page| deflate(&content(page, faces)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        // A worker that panicked would leave its pages out: carry its panic on instead,
        // as if the work had been done on this thread.
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// The `ToUnicode` map of a subset: each new glyph id to the character it draws.
fn to_unicode(subset: &Subset) -> Vec<u8> {
    let mut cmap = String::from(
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
         /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
         /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
         1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
    );
    for chunk in subset.glyphs.chunks(100) {
        let _ = writeln!(cmap, "{} beginbfchar", chunk.len());
        for g in chunk {
            let mut units = [0u16; 2];
            let utf16: String = g
                .char
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            let _ = writeln!(cmap, "<{:04X}> <{utf16}>", g.new);
        }
        cmap.push_str("endbfchar\n");
    }
    cmap.push_str("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n");
    cmap.into_bytes()
}

/// The objects of one embedded face; returns the Type 0 font's id.
fn font_objects(doc: &mut lopdf::Document, embedded: &Embedded<'_>) -> ObjectId {
    let face = embedded.face;
    let name = format!("{}+{}", face.tag, face.name);
    let program = stream(
        dictionary! { "Length1" => embedded.subset.program.len() as i64 },
        &embedded.subset.program,
    );
    let program = doc.add_object(program);
    let [x0, y0, x1, y1] = face.bbox;
    let descriptor = doc.add_object(dictionary! {
        "Type" => "FontDescriptor",
        "FontName" => Object::Name(name.clone().into_bytes()),
        "Flags" => 32,
        "FontBBox" => vec![
            face.scaled(x0).into(), face.scaled(y0).into(),
            face.scaled(x1).into(), face.scaled(y1).into(),
        ],
        "ItalicAngle" => 0,
        "Ascent" => face.scaled(face.ascent),
        "Descent" => face.scaled(face.descent),
        "CapHeight" => face.scaled(face.cap_height),
        "StemV" => 80,
        "FontFile2" => program,
    });
    let mut widths: Vec<Object> = vec![face.pdf_width(0).into()];
    widths.extend(
        embedded
            .subset
            .glyphs
            .iter()
            .map(|g| Object::from(face.pdf_width(g.old))),
    );
    let cid_font = doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "CIDFontType2",
        "BaseFont" => Object::Name(name.clone().into_bytes()),
        "CIDSystemInfo" => dictionary! {
            "Registry" => Object::string_literal("Adobe"),
            "Ordering" => Object::string_literal("Identity"),
            "Supplement" => 0,
        },
        "FontDescriptor" => descriptor,
        "DW" => 1000,
        "W" => vec![0.into(), Object::Array(widths)],
        "CIDToGIDMap" => "Identity",
    });
    let to_unicode = doc.add_object(stream(Dictionary::new(), &to_unicode(&embedded.subset)));
    doc.add_object(dictionary! {
        "Type" => "Font",
        "Subtype" => "Type0",
        "BaseFont" => Object::Name(name.into_bytes()),
        "Encoding" => "Identity-H",
        "DescendantFonts" => vec![cid_font.into()],
        "ToUnicode" => to_unicode,
    })
}

/// A PDF text string: PDFDocEncoding's ASCII as is, anything else as UTF-16BE with a
/// byte-order mark.
fn text_string(text: &str) -> Object {
    if text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Object::String(text.as_bytes().to_vec(), StringFormat::Literal)
    } else {
        let mut bytes = vec![0xfe, 0xff];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_be_bytes());
        }
        Object::String(bytes, StringFormat::Hexadecimal)
    }
}

fn destination(page: ObjectId, y: f32) -> Object {
    Object::Array(vec![
        page.into(),
        "XYZ".into(),
        Object::Null,
        Object::Real(y.min(PAGE_H)),
        Object::Null,
    ])
}

/// The whole file.
pub(super) fn pdf(layout: &Layout<'_>, doc: &Document) -> Result<Vec<u8>, PdfError> {
    let fonts: &Fonts = layout.fonts;
    // The characters each face draws: marked in a table by code point (a set would be a
    // look-up per character of the pack), then gathered.
    let mut marks = [vec![false; 0x1_0000], vec![false; 0x1_0000]];
    let mut used = [BTreeSet::new(), BTreeSet::new()];
    for t in layout.pages.iter().flat_map(|p| p.texts.iter()) {
        let face = usize::from(t.bold);
        for c in t.text.chars() {
            match marks[face].get_mut(c as usize) {
                Some(mark) => *mark = true,
                None => {
                    used[face].insert(c);
                }
            }
        }
    }
    for (face, marks) in marks.iter().enumerate() {
        used[face].extend(
            marks
                .iter()
                .enumerate()
                .filter(|(_, m)| **m)
                .filter_map(|(code, _)| char::from_u32(code as u32)),
        );
    }
    let faces = [
        Embedded::new(&fonts.regular, &used[0])?,
        Embedded::new(&fonts.bold, &used[1])?,
    ];

    let mut pdf = lopdf::Document::with_version("1.7");
    let pages_id = pdf.new_object_id();
    let regular = font_objects(&mut pdf, &faces[0]);
    let bold = font_objects(&mut pdf, &faces[1]);
    let resources = pdf.add_object(dictionary! {
        "Font" => dictionary! {
            faces[0].face.tag => regular,
            faces[1].face.tag => bold,
        },
    });
    // Page ids first: links and bookmarks name pages laid out after them.
    let page_ids: Vec<ObjectId> = layout.pages.iter().map(|_| pdf.new_object_id()).collect();
    let contents = page_contents(layout, &faces);
    if contents.len() != layout.pages.len() {
        // A worker thread panicked: never write a pack with pages missing.
        return Err(PdfError::Pages);
    }
    for ((page, id), deflated) in layout.pages.iter().zip(&page_ids).zip(contents) {
        let contents = pdf.add_object(deflated_stream(Dictionary::new(), deflated));
        let mut dict = dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Resources" => resources,
            "Contents" => contents,
        };
        let annots: Vec<Object> = page
            .links
            .iter()
            .filter_map(|link| {
                let target = *page_ids.get(link.page)?;
                let [x1, y1, x2, y2] = link.rect;
                Some(Object::Dictionary(dictionary! {
                    "Type" => "Annot",
                    "Subtype" => "Link",
                    "Rect" => vec![x1.into(), y1.into(), x2.into(), y2.into()],
                    "Border" => vec![0.into(), 0.into(), 0.into()],
                    "Dest" => destination(target, link.y + 12.0),
                }))
            })
            .collect();
        if !annots.is_empty() {
            dict.set("Annots", annots);
        }
        pdf.objects.insert(*id, Object::Dictionary(dict));
    }
    pdf.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages",
            "Kids" => page_ids.iter().map(|id| Object::from(*id)).collect::<Vec<_>>(),
            "Count" => page_ids.len() as i64,
            "MediaBox" => vec![0.into(), 0.into(), PAGE_W.into(), PAGE_H.into()],
        }),
    );

    // Bookmarks: one per part of the pack.
    let outline_id = pdf.new_object_id();
    let item_ids: Vec<ObjectId> = layout.parts.iter().map(|_| pdf.new_object_id()).collect();
    for (i, ((title, page, y), id)) in layout.parts.iter().zip(&item_ids).enumerate() {
        let mut item = dictionary! {
            "Title" => text_string(title),
            "Parent" => outline_id,
        };
        if let Some(target) = page_ids.get(*page) {
            item.set("Dest", destination(*target, *y));
        }
        if i > 0 {
            item.set("Prev", item_ids[i - 1]);
        }
        if let Some(next) = item_ids.get(i + 1) {
            item.set("Next", *next);
        }
        pdf.objects.insert(*id, Object::Dictionary(item));
    }
    let mut outline = dictionary! { "Type" => "Outlines", "Count" => item_ids.len() as i64 };
    if let (Some(first), Some(last)) = (item_ids.first(), item_ids.last()) {
        outline.set("First", *first);
        outline.set("Last", *last);
    }
    pdf.objects.insert(outline_id, Object::Dictionary(outline));

    let catalog = pdf.add_object(dictionary! {
        "Type" => "Catalog",
        "Pages" => pages_id,
        "Outlines" => outline_id,
        "PageMode" => "UseOutlines",
        "Lang" => Object::string_literal("en-GB"),
        "ViewerPreferences" => dictionary! { "DisplayDocTitle" => true },
    });
    let created =
        Object::string_literal(doc.generated_at.format("D:%Y%m%d%H%M%S+00'00'").to_string());
    let info = pdf.add_object(dictionary! {
        "Title" => text_string(&doc.title),
        "Author" => text_string(&doc.author),
        "Subject" => text_string(&doc.subject),
        "Keywords" => text_string(&format!("{}, security self-assessment", doc.marking)),
        "Creator" => Object::string_literal("secassess"),
        "Producer" => Object::string_literal(format!("secassess {}", env!("CARGO_PKG_VERSION"))),
        "CreationDate" => created.clone(),
        "ModDate" => created,
    });
    pdf.trailer.set("Root", catalog);
    pdf.trailer.set("Info", info);
    // The file identifier is derived from the content, never drawn at random.
    let mut hasher = Sha256::new();
    hasher.update(doc.fingerprint.as_bytes());
    hasher.update(doc.generated_at.to_rfc3339().as_bytes());
    hasher.update(doc.marking.as_bytes());
    hasher.update(doc.title.as_bytes());
    let id = hasher.finalize()[..16].to_vec();
    pdf.trailer.set(
        "ID",
        Object::Array(vec![
            Object::String(id.clone(), StringFormat::Hexadecimal),
            Object::String(id, StringFormat::Hexadecimal),
        ]),
    );
    let mut bytes = Vec::new();
    // Writing to memory cannot fail.
    let _ = pdf.save_to(&mut bytes);
    Ok(bytes)
}
