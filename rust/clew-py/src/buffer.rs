//! Numpy arrays (any buffer) in, under the stable ABI.
//!
//! The module is built for abi3-py310, and the buffer protocol's C API
//! (`PyObject_GetBuffer`, pyo3's `PyBuffer`) joined the limited API only in
//! 3.11. So an array is read through `memoryview`, which is in it: format,
//! item size and shape are checked, then `tobytes()` copies the elements out
//! in C order whatever the strides. The arrays that cross here (leaf ids,
//! priors, values, masks of one ask/tell round) are small, and were copied
//! into a `Vec` before too, so the cost is a few attribute lookups a call.

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyMemoryView};

/// A plain number type a buffer can hold: its struct-module kind and how to
/// read one from native-endian bytes.
pub(crate) trait Element: Copy {
    /// The `struct` format codes of this kind, any size (the item size is
    /// checked apart: `l` is 4 or 8 bytes by platform).
    const CODES: &'static str;
    fn from_ne(bytes: &[u8]) -> Self;
}

impl Element for f32 {
    const CODES: &'static str = "f";
    fn from_ne(bytes: &[u8]) -> Self {
        f32::from_ne_bytes(bytes.try_into().expect("chunk of 4 bytes"))
    }
}

impl Element for i32 {
    // numpy's int32 is `i`; `l` where a C long is 4 bytes (Windows).
    const CODES: &'static str = "bhilqn";
    fn from_ne(bytes: &[u8]) -> Self {
        i32::from_ne_bytes(bytes.try_into().expect("chunk of 4 bytes"))
    }
}

impl Element for i64 {
    // numpy's int64 is `l` on LP64 platforms, `q` on Windows.
    const CODES: &'static str = "bhilqn";
    fn from_ne(bytes: &[u8]) -> Self {
        i64::from_ne_bytes(bytes.try_into().expect("chunk of 8 bytes"))
    }
}

impl Element for u8 {
    const CODES: &'static str = "BHILQN";
    fn from_ne(bytes: &[u8]) -> Self {
        bytes[0]
    }
}

/// The elements of `obj` (C order) and its shape; None when `obj` is not a
/// native-endian buffer of `T`.
pub(crate) fn read<T: Element>(obj: &Bound<'_, PyAny>) -> Option<(Vec<T>, Vec<usize>)> {
    let view = PyMemoryView::from(obj).ok()?;
    let format: String = view.getattr("format").ok()?.extract().ok()?;
    let itemsize: usize = view.getattr("itemsize").ok()?.extract().ok()?;
    // '@' and '=' are native order; a bare code is too.
    let code = format.strip_prefix(['@', '=']).unwrap_or(&format);
    let size = std::mem::size_of::<T>();
    if code.len() != 1 || !T::CODES.contains(code) || itemsize != size {
        return None;
    }
    let shape: Vec<usize> = view.getattr("shape").ok()?.extract().ok()?;
    let bytes = view
        .call_method0("tobytes")
        .ok()?
        .cast_into::<PyBytes>()
        .ok()?;
    let data = bytes
        .as_bytes()
        .chunks_exact(size)
        .map(T::from_ne)
        .collect();
    // Release the export now rather than when the view is collected, so the
    // caller may resize its array right after the call.
    view.call_method0("release").ok()?;
    Some((data, shape))
}
