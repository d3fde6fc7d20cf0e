//! Grids and their geometry: an N x N board with r x c boxes (r * c = N,
//! N <= 25), the precomputed unit/peer tables the solver walks, and the text
//! form (`.`/`0` blank, `1`-`9` then `A`-`P`).

use std::sync::Mutex;

use crate::error::{ClewError, Result};

/// The largest supported side (candidates are bits of a `u32`; text uses `1`-`9`, `A`-`P`).
pub const MAX_SIZE: usize = 25;

/// The box shape used when the caller gives none: the largest divisor `r` of
/// `n` with `r * r <= n`, and `c = n / r` (4 -> 2x2, 6 -> 2x3, 9 -> 3x3,
/// 12 -> 3x4, 16 -> 4x4, 25 -> 5x5). `None` when that would be a 1 x n box
/// (a prime side other than 1): such grids need an explicit box.
pub fn default_box(n: usize) -> Option<(usize, usize)> {
    if n == 0 || n > MAX_SIZE {
        return None;
    }
    if n == 1 {
        return Some((1, 1));
    }
    let r = (1..=n)
        .take_while(|r| r * r <= n)
        .filter(|&r| (n / r) * r == n)
        .max()?;
    if r == 1 {
        None
    } else {
        Some((r, n / r))
    }
}

/// Which family a unit belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnitKind {
    Row,
    Col,
    Box,
}

/// The shape of a grid and the tables derived from it. Units are numbered
/// rows `0..n`, columns `n..2n`, boxes `2n..3n` (boxes row-major).
#[derive(Debug)]
pub struct Geometry {
    /// Side length N.
    pub n: usize,
    /// Rows per box (r).
    pub box_rows: usize,
    /// Columns per box (c).
    pub box_cols: usize,
    /// N * N.
    pub cells: usize,
    /// Mask of all N candidate bits.
    pub all: u32,
    units: Vec<u16>,
    peers: Vec<u16>,
    npeers: usize,
    cell_units: Vec<[u8; 3]>,
    unit_bits: Vec<u128>,
}

static CACHE: Mutex<Vec<&'static Geometry>> = Mutex::new(Vec::new());

impl Geometry {
    /// Build the tables for an N x N grid with `box_rows x box_cols` boxes.
    pub fn new(box_rows: usize, box_cols: usize) -> Result<Geometry> {
        let n = box_rows * box_cols;
        if box_rows == 0 || box_cols == 0 || n > MAX_SIZE {
            return Err(ClewError::Puzzle(format!(
                "unsupported box {box_rows}x{box_cols}: boxes need r, c >= 1 and r*c <= {MAX_SIZE}"
            )));
        }
        let cells = n * n;
        let box_of = |cell: usize| {
            let (r, c) = (cell / n, cell % n);
            (r / box_rows) * box_rows + c / box_cols
        };
        let mut units = vec![0u16; 3 * n * n];
        for u in 0..n {
            for i in 0..n {
                units[u * n + i] = (u * n + i) as u16; // row u
                units[(n + u) * n + i] = (i * n + u) as u16; // column u
                                                             // boxes per band = n / box_cols = box_rows
                let top = (u / box_rows) * box_rows;
                let left = (u % box_rows) * box_cols;
                let cell = (top + i / box_cols) * n + left + i % box_cols;
                units[(2 * n + u) * n + i] = cell as u16;
            }
        }
        let mut cell_units = vec![[0u8; 3]; cells];
        let mut unit_bits = vec![0u128; cells];
        for (cell, cu) in cell_units.iter_mut().enumerate() {
            let (r, c) = (cell / n, cell % n);
            *cu = [r as u8, (n + c) as u8, (2 * n + box_of(cell)) as u8];
            unit_bits[cell] = cu.iter().fold(0u128, |m, &u| m | 1u128 << u);
        }
        let mut peers = Vec::new();
        let mut npeers = 0;
        for (cell, cu) in cell_units.iter().enumerate() {
            let mut seen = vec![false; cells];
            let mut list = Vec::new();
            for &u in cu {
                for &p in &units[u as usize * n..(u as usize + 1) * n] {
                    let p = p as usize;
                    if p != cell && !seen[p] {
                        seen[p] = true;
                        list.push(p as u16);
                    }
                }
            }
            list.sort_unstable();
            npeers = list.len();
            peers.extend(list);
        }
        Ok(Geometry {
            n,
            box_rows,
            box_cols,
            cells,
            all: if n == 32 { u32::MAX } else { (1u32 << n) - 1 },
            units,
            peers,
            npeers,
            cell_units,
            unit_bits,
        })
    }

    /// A shared, lazily built geometry (built once per box shape per process).
    pub fn cached(box_rows: usize, box_cols: usize) -> Result<&'static Geometry> {
        let mut cache = CACHE.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(g) = cache
            .iter()
            .find(|g| g.box_rows == box_rows && g.box_cols == box_cols)
        {
            return Ok(g);
        }
        let g: &'static Geometry = Box::leak(Box::new(Geometry::new(box_rows, box_cols)?));
        cache.push(g);
        Ok(g)
    }

    /// The geometry for a side `n` and an optional box; `None` picks
    /// [`default_box`].
    pub fn for_size(n: usize, boxed: Option<(usize, usize)>) -> Result<&'static Geometry> {
        if n == 0 || n > MAX_SIZE {
            return Err(ClewError::Puzzle(format!(
                "unsupported grid size {n}x{n} (sizes 1..={MAX_SIZE} are supported)"
            )));
        }
        let (r, c) = match boxed {
            Some((r, c)) => {
                if r * c != n {
                    return Err(ClewError::Puzzle(format!(
                        "box {r}x{c} does not fit a {n}x{n} grid (need r*c = {n})"
                    )));
                }
                (r, c)
            }
            None => default_box(n).ok_or_else(|| {
                ClewError::Puzzle(format!(
                    "a {n}x{n} grid has no default box shape; pass box=(r, c) with r*c = {n}"
                ))
            })?,
        };
        Geometry::cached(r, c)
    }

    /// Number of units (3N).
    #[inline]
    pub fn num_units(&self) -> usize {
        3 * self.n
    }

    /// The N cells of unit `u`.
    #[inline]
    pub fn unit(&self, u: usize) -> &[u16] {
        &self.units[u * self.n..(u + 1) * self.n]
    }

    /// All units' cells, unit after unit (3N slices of N).
    #[inline]
    pub fn units_flat(&self) -> &[u16] {
        &self.units
    }

    /// The cells sharing a unit with `cell` (itself excluded), ascending.
    #[inline]
    pub fn peers(&self, cell: usize) -> &[u16] {
        &self.peers[cell * self.npeers..(cell + 1) * self.npeers]
    }

    /// The (row, column, box) unit indices of `cell`.
    #[inline]
    pub fn units_of(&self, cell: usize) -> [u8; 3] {
        self.cell_units[cell]
    }

    /// The 3 units of `cell` as bits of a `u128`.
    #[inline]
    pub(crate) fn unit_bits(&self, cell: usize) -> u128 {
        self.unit_bits[cell]
    }

    /// Mask with one bit per unit.
    #[inline]
    pub(crate) fn all_units(&self) -> u128 {
        (1u128 << self.num_units()) - 1
    }

    pub fn unit_kind(&self, u: usize) -> UnitKind {
        match u / self.n {
            0 => UnitKind::Row,
            1 => UnitKind::Col,
            _ => UnitKind::Box,
        }
    }

    /// The unit's number within its family, 0-based.
    pub fn unit_index(&self, u: usize) -> usize {
        u % self.n
    }

    /// "row 3", "column 5", "box 2" (1-based).
    pub fn unit_name(&self, u: usize) -> String {
        let kind = match self.unit_kind(u) {
            UnitKind::Row => "row",
            UnitKind::Col => "column",
            UnitKind::Box => "box",
        };
        format!("{kind} {}", self.unit_index(u) + 1)
    }

    /// "r3c5" (1-based).
    pub fn cell_name(&self, cell: usize) -> String {
        format!("r{}c{}", cell / self.n + 1, cell % self.n + 1)
    }
}

/// Errors unless `cells` is N*N values in `0..=N` for `geom`.
pub fn check_cells(geom: &Geometry, cells: &[u8]) -> Result<()> {
    if cells.len() != geom.cells {
        return Err(ClewError::Puzzle(format!(
            "expected {} cells for a {n}x{n} grid, got {}",
            geom.cells,
            cells.len(),
            n = geom.n
        )));
    }
    if let Some((i, &v)) = cells.iter().enumerate().find(|(_, &v)| v as usize > geom.n) {
        return Err(ClewError::Puzzle(format!(
            "value {v} at index {i} is out of range for a {n}x{n} grid (0 for blank, 1..={n})",
            n = geom.n
        )));
    }
    Ok(())
}

/// The text character of a value (0 -> '.').
pub fn value_char(v: u8) -> char {
    match v {
        0 => '.',
        1..=9 => (b'0' + v) as char,
        _ => (b'A' + v - 10) as char,
    }
}

/// A grid's side from its cell count, or an error naming the count.
pub fn side_from_cells(cells: usize, what: &str) -> Result<usize> {
    if cells == 0 {
        return Err(ClewError::Puzzle(format!("empty puzzle: {what} is empty")));
    }
    let n = (cells as f64).sqrt().round() as usize;
    if n * n != cells || n > MAX_SIZE {
        return Err(ClewError::Puzzle(format!(
            "{what} has {cells} cells, which is not N*N for a supported size \
             (16 for 4x4, 36 for 6x6, 81 for 9x9, 144 for 12x12, 256 for 16x16, 625 for 25x25)"
        )));
    }
    Ok(n)
}

/// A puzzle: cell values `0` (blank) or `1..=N`, row-major, with its geometry.
#[derive(Clone, Debug)]
pub struct Grid {
    pub geom: &'static Geometry,
    pub cells: Vec<u8>,
}

impl PartialEq for Grid {
    fn eq(&self, other: &Self) -> bool {
        self.geom.box_rows == other.geom.box_rows
            && self.geom.box_cols == other.geom.box_cols
            && self.cells == other.cells
    }
}

impl Grid {
    /// Parse text: N*N characters, `.` or `0` blank, `1`-`9` then `A`-`P`
    /// (any case) for 10-25. Whitespace is ignored.
    pub fn parse(text: &str, boxed: Option<(usize, usize)>) -> Result<Grid> {
        let chars: Vec<(usize, char)> = text
            .chars()
            .enumerate()
            .filter(|(_, ch)| !ch.is_whitespace())
            .collect();
        let n = side_from_cells(chars.len(), "the puzzle string")?;
        let geom = Geometry::for_size(n, boxed)?;
        let mut cells = Vec::with_capacity(n * n);
        for &(pos, ch) in &chars {
            let v = match ch {
                '.' | '0' => 0,
                '1'..='9' => ch as u32 - '0' as u32,
                'A'..='P' => ch as u32 - 'A' as u32 + 10,
                'a'..='p' => ch as u32 - 'a' as u32 + 10,
                _ => {
                    return Err(ClewError::Puzzle(format!(
                        "bad character {ch:?} at position {pos} (use '.' or '0' for blanks, \
                         '1'-'9' then 'A'-'P' for values)"
                    )))
                }
            };
            if v as usize > n {
                return Err(ClewError::Puzzle(format!(
                    "character {ch:?} at position {pos} means {v}, out of range for a {n}x{n} grid \
                     (values 1..={n}, written {})",
                    value_range_text(n)
                )));
            }
            cells.push(v as u8);
        }
        Ok(Grid { geom, cells })
    }

    /// Build from integer values (0 blank, 1..=N) in row-major order.
    pub fn from_values(values: &[i64], boxed: Option<(usize, usize)>) -> Result<Grid> {
        let n = side_from_cells(values.len(), "the puzzle")?;
        let geom = Geometry::for_size(n, boxed)?;
        let mut cells = Vec::with_capacity(values.len());
        for (i, &v) in values.iter().enumerate() {
            if v < 0 || v as usize > n {
                return Err(ClewError::Puzzle(format!(
                    "value {v} at index {i} is out of range for a {n}x{n} grid (0 for blank, 1..={n})"
                )));
            }
            cells.push(v as u8);
        }
        Ok(Grid { geom, cells })
    }

    /// Build from bytes already known to be in `0..=N` for `geom`.
    pub fn from_cells(geom: &'static Geometry, cells: Vec<u8>) -> Result<Grid> {
        check_cells(geom, &cells)?;
        Ok(Grid { geom, cells })
    }

    /// An empty grid.
    pub fn empty(geom: &'static Geometry) -> Grid {
        Grid {
            geom,
            cells: vec![0; geom.cells],
        }
    }

    pub fn n(&self) -> usize {
        self.geom.n
    }

    /// Number of blank cells.
    pub fn empties(&self) -> usize {
        self.cells.iter().filter(|&&v| v == 0).count()
    }

    /// The text form: N*N characters, `.` for blanks.
    pub fn to_text(&self) -> String {
        self.cells.iter().map(|&v| value_char(v)).collect()
    }

    /// The first clash among the givens, described, or `None` when the givens
    /// are consistent (no value twice in a row, column or box).
    pub fn clash(&self) -> Option<String> {
        find_clash(self.geom, &self.cells)
    }

    /// `Err(ClewError::Puzzle)` describing the first clash, if any.
    pub fn check_givens(&self) -> Result<()> {
        match self.clash() {
            Some(msg) => Err(ClewError::Puzzle(msg)),
            None => Ok(()),
        }
    }

    /// Whether this is a complete, valid solution that agrees with `puzzle`'s givens.
    pub fn solves(&self, puzzle: &Grid) -> bool {
        self.cells.len() == puzzle.cells.len()
            && is_complete_solution(self.geom, &self.cells)
            && puzzle
                .cells
                .iter()
                .zip(&self.cells)
                .all(|(&p, &s)| p == 0 || p == s)
    }
}

fn value_range_text(n: usize) -> String {
    if n <= 9 {
        format!("'1'-'{n}'")
    } else {
        format!("'1'-'9', 'A'-'{}'", value_char(n as u8))
    }
}

/// The first clash among `cells`' givens, described.
pub fn find_clash(geom: &Geometry, cells: &[u8]) -> Option<String> {
    for u in 0..geom.num_units() {
        let mut seen = [u16::MAX; MAX_SIZE + 1];
        for &c in geom.unit(u) {
            let v = cells[c as usize] as usize;
            if v == 0 {
                continue;
            }
            if seen[v] != u16::MAX {
                return Some(format!(
                    "clashing givens: {} appears twice in {} ({} and {})",
                    value_char(v as u8),
                    geom.unit_name(u),
                    geom.cell_name(seen[v] as usize),
                    geom.cell_name(c as usize)
                ));
            }
            seen[v] = c;
        }
    }
    None
}

/// Whether `cells` is a full grid with every unit holding 1..=N once.
pub fn is_complete_solution(geom: &Geometry, cells: &[u8]) -> bool {
    cells.len() == geom.cells
        && (0..geom.num_units()).all(|u| {
            let mask = geom.unit(u).iter().fold(0u32, |m, &c| {
                let v = cells[c as usize];
                if v == 0 || v as usize > geom.n {
                    m
                } else {
                    m | 1 << (v - 1)
                }
            });
            mask == geom.all
        })
}

/// Whether `solution` is a complete valid grid that keeps `puzzle`'s givens.
pub fn is_solution_of(geom: &Geometry, puzzle: &[u8], solution: &[u8]) -> bool {
    puzzle.len() == geom.cells
        && is_complete_solution(geom, solution)
        && puzzle.iter().zip(solution).all(|(&p, &s)| p == 0 || p == s)
}
