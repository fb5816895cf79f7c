// Owns: the texts of the compose editor's formatting toolbar and of sending with attachments
// uploaded once, in Vietnamese and English, added to the app's i18next resources under `editor`.
import i18next from '../i18n/index.ts';

const vi = {
  editor: {
    toolbar: 'Định dạng',
    bold: 'Đậm (Ctrl+B)',
    italic: 'Nghiêng (Ctrl+I)',
    underline: 'Gạch chân (Ctrl+U)',
    bullets: 'Danh sách dấu chấm',
    numbers: 'Danh sách đánh số',
    quote: 'Trích dẫn',
    link: 'Chèn liên kết (Ctrl+K)',
    unlink: 'Bỏ liên kết',
    clear: 'Bỏ định dạng',
    linkAddress: 'Địa chỉ liên kết',
    linkApply: 'Chèn',
    linkCancel: 'Hủy',
    linkBad: 'Địa chỉ phải bắt đầu bằng https://, http:// hoặc mailto:',
    help: 'Dán nội dung có định dạng được giữ đậm, nghiêng, liên kết, danh sách; ảnh và mã lệnh bị bỏ. Thư không có định dạng được gửi dưới dạng văn bản thường.',
  },
};

const en = {
  editor: {
    toolbar: 'Formatting',
    bold: 'Bold (Ctrl+B)',
    italic: 'Italic (Ctrl+I)',
    underline: 'Underline (Ctrl+U)',
    bullets: 'Bulleted list',
    numbers: 'Numbered list',
    quote: 'Quote',
    link: 'Insert link (Ctrl+K)',
    unlink: 'Remove link',
    clear: 'Clear formatting',
    linkAddress: 'Link address',
    linkApply: 'Insert',
    linkCancel: 'Cancel',
    linkBad: 'The address must start with https://, http:// or mailto:',
    help: 'Pasted formatting keeps bold, italic, links and lists; images and scripts are dropped. A message without formatting is sent as plain text.',
  },
};

i18next.addResourceBundle('vi', 'translation', vi, true, false);
i18next.addResourceBundle('en', 'translation', en, true, false);
