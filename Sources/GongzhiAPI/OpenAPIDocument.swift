package import Foundation

/// The API contract as shipped: served at `/openapi.yaml` and read by `/docs`.
package enum OpenAPIDocument {
    package static var url: URL? { Bundle.module.url(forResource: "openapi", withExtension: "yaml") }
}
