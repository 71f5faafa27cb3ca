// A GraphQL document may ask for at most MAX_ROOT_FIELDS root fields (aliases included): each
// module query or command is a request to admin, and one HTTP request must not become thousands.
// Counted over the document's fields whose parent is a root type (a fragment spread twice merges
// into the same fields, so it does not count twice); a validation rule, so nothing runs. Pure.
import { GraphQLError, type ASTVisitor, type ValidationContext } from 'graphql';

export const MAX_ROOT_FIELDS = 32;

export function rootFieldsLimit(max = MAX_ROOT_FIELDS) {
  return (context: ValidationContext): ASTVisitor => {
    const schema = context.getSchema();
    const roots = new Set(
      [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((t) => t),
    );
    let count = 0;
    return {
      Field(node) {
        const parent = context.getParentType();
        if (!parent || !roots.has(parent as never)) return;
        count += 1;
        if (count === max + 1)
          context.reportError(
            new GraphQLError(`at most ${max} root fields in one document (aliases included)`, {
              nodes: node,
            }),
          );
      },
    };
  };
}
