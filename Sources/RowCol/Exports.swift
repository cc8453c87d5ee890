// The composition root re-exports the layers an application needs, so `import RowCol` is enough.
@_exported import RowColDomain
@_exported import RowColJSON
@_exported import RowColStore
@_exported import RowColRunway
@_exported import RowColSync
