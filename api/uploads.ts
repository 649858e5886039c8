// File uploads (CSV imports): multipart forms are parsed before the CSRF check so their token is verified
// like any other form's, and only for a logged-in session: an anonymous caller's body is never read. Files
// stay in memory, one file of at most 1 MB.
import multer from 'multer';
import type { NextFunction, Request, Response } from 'express';
import { HttpError } from './auth/session.ts';

const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 1024 * 1024, files: 1, fields: 20 } }).any();

export function multipartForms(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  if (!req.session?.aidantId) return next(new HttpError(403, 'envoi de fichier réservé aux comptes connectés'));
  upload(req, res, (err: unknown) => {
    if (!err) return next();
    const code = (err as { code?: string }).code;
    next(new HttpError(code === 'LIMIT_FILE_SIZE' ? 413 : 400, code === 'LIMIT_FILE_SIZE' ? 'fichier trop volumineux (1 Mo au plus)' : 'envoi de fichier invalide'));
  });
}

/** The uploaded file's text (UTF-8, BOM removed), or null when none was sent. */
export function uploadedText(req: Request, field: string): string | null {
  const files = (req.files as Express.Multer.File[] | undefined) ?? [];
  const file = files.find((f) => f.fieldname === field);
  if (!file || file.size === 0) return null;
  return file.buffer.toString('utf8').replace(/^\uFEFF/, '');
}
